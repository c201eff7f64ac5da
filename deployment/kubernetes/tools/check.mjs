// scripts/kubernetes.sh's offline checks of a rendered release:
//   node check.mjs schema FILE            every object against the Kubernetes / CRD schemas
//   node check.mjs policy [--env E] FILE  the stack's guarantees (policy.mjs)
// One line per finding ("FAIL <Kind/name>: ..."), a summary line; exit 1 on any finding.
import { readFileSync } from 'node:fs';
import { parseAllDocuments } from 'yaml';
import { validateObject } from './schema.mjs';
import { checkPolicy } from './policy.mjs';

/** The objects of a multi-document YAML file (empty documents left out). */
export function readManifests(file) {
  const documents = parseAllDocuments(readFileSync(file, 'utf8'));
  for (const d of documents) if (d.errors.length) throw new Error(`${file}: ${d.errors[0].message}`);
  return documents.map((d) => d.toJS()).filter((o) => o && typeof o === 'object');
}

async function main(argv) {
  const [command, ...rest] = argv;
  let environment = '';
  const files = [];
  for (let i = 0; i < rest.length; i++) {
    if (rest[i] === '--env') environment = rest[++i] ?? '';
    else files.push(rest[i]);
  }
  if (!['schema', 'policy'].includes(command) || files.length === 0) {
    console.error('usage: node check.mjs schema FILE... | policy [--env ENV] FILE...');
    return 2;
  }
  let failures = 0;
  for (const file of files) {
    const objects = readManifests(file);
    let lines;
    if (command === 'schema') {
      lines = (await Promise.all(objects.map(validateObject))).flat();
    } else {
      lines = checkPolicy(objects, { environment }).map((f) => `${f.object}: ${f.message} [${f.rule}]`);
    }
    for (const line of lines) console.log(`FAIL ${line}`);
    failures += lines.length;
    console.log(`${command}: ${file}: ${objects.length} objects, ${lines.length} finding(s)`);
  }
  return failures === 0 ? 0 : 1;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  main(process.argv.slice(2)).then((code) => { process.exitCode = code; }, (error) => {
    console.error(`error ${error.message}`);
    process.exitCode = 1;
  });
}
