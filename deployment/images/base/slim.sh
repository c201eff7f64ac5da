#!/bin/sh
# Turns a raw `debootstrap --variant=minbase of the release` import into a slim base, the way the
# official debian:<release>-slim is made (debuerreotype's minimizing config). It runs inside a
# throw-away container of the raw import; scripts/build-images.sh exports the result and
# imports it as prodstack/debian:<release>, so the removed files are gone from every layer.
set -eu

# Later package installs leave no docs, man pages or translations behind (copyrights stay).
cat > /etc/dpkg/dpkg.cfg.d/docker <<'EOF'
path-exclude /usr/share/doc/*
path-include /usr/share/doc/*/copyright
path-exclude /usr/share/groff/*
path-exclude /usr/share/info/*
path-exclude /usr/share/linda/*
path-exclude /usr/share/lintian/*
path-exclude /usr/share/locale/*
path-exclude /usr/share/man/*
EOF

# apt keeps neither downloaded .deb files nor its binary caches in image layers.
cat > /etc/apt/apt.conf.d/docker-clean <<'EOF'
DPkg::Post-Invoke { "rm -f /var/cache/apt/archives/*.deb /var/cache/apt/archives/partial/*.deb /var/cache/apt/*.bin || true"; };
APT::Update::Post-Invoke { "rm -f /var/cache/apt/archives/*.deb /var/cache/apt/archives/partial/*.deb /var/cache/apt/*.bin || true"; };
Dir::Cache::pkgcache "";
Dir::Cache::srcpkgcache "";
EOF
cat > /etc/apt/apt.conf.d/docker-slim <<'EOF'
Acquire::Languages "none";
Acquire::GzipIndexes "true";
Acquire::CompressionTypes::Order:: "gz";
APT::AutoRemove::SuggestsImportant "false";
APT::Install-Recommends "false";
APT::Install-Suggests "false";
EOF

# The install step of every recipe (base/install-packages), on PATH for their Dockerfiles.
install -m 0755 /tmp/prodstack/install-packages /usr/local/sbin/install-packages

# No init system runs in a container: package scripts must not try to start services.
printf '#!/bin/sh\nexit 101\n' > /usr/sbin/policy-rc.d
chmod 0755 /usr/sbin/policy-rc.d

# What debootstrap left behind: downloaded packages, package lists, logs, docs.
find /usr/share/doc -mindepth 1 -not -name copyright -not -type d -delete
find /usr/share/doc -mindepth 1 -type d -empty -delete
rm -rf /usr/share/groff/* /usr/share/info/* /usr/share/linda/* /usr/share/lintian/* \
    /usr/share/locale/* /usr/share/man/*
rm -rf /var/lib/apt/lists/* /var/cache/apt/archives/*.deb /var/cache/apt/archives/partial/* \
    /var/cache/apt/*.bin /var/cache/debconf/*-old /var/lib/dpkg/*-old
find /var/log -type f -delete
