package dev.prodstack.service.architecture;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.Dependency;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchCondition;
import com.tngtech.archunit.lang.ConditionEvents;
import com.tngtech.archunit.lang.SimpleConditionEvent;
import org.junit.jupiter.api.Test;

/**
 * The service's packages depend one way: the data classes of {@code api} and {@code core} on nothing of ours;
 * metrics, db, http, errors, cache and health above them; resources, the factories and the application on top.
 * A new cycle, or an upward dependency of the data classes, fails here with the classes that cause it.
 */
class PackageDependenciesTest {
    private static final String ROOT = "dev.prodstack.service";
    private static final JavaClasses CLASSES = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages(ROOT);

    @Test
    void packagesAreFreeOfCycles() {
        slices().matching(ROOT + ".(*)..").should().beFreeOfCycles().check(CLASSES);
    }

    @Test
    void dataClassesDependOnNothingOfOurs() {
        noClasses()
                .that()
                .resideInAnyPackage(ROOT + ".api..", ROOT + ".core..")
                .should()
                .dependOnClassesThat()
                .resideInAnyPackage(
                        ROOT + ".auth..",
                        ROOT + ".cache..",
                        ROOT + ".db..",
                        ROOT + ".errors..",
                        ROOT + ".health..",
                        ROOT + ".http..",
                        ROOT + ".metrics..",
                        ROOT + ".resources..",
                        ROOT + ".warmup..")
                .check(CLASSES);
    }

    /** One resource per URI shape: shared logic belongs below them, not in another resource. */
    @Test
    void resourcesDoNotCallEachOther() {
        classes()
                .that()
                .resideInAPackage(ROOT + ".resources")
                .should(useNoOtherResource())
                .check(CLASSES);
    }

    private static ArchCondition<JavaClass> useNoOtherResource() {
        return new ArchCondition<>("use no other resource") {
            @Override
            public void check(JavaClass resource, ConditionEvents events) {
                for (Dependency dependency : resource.getDirectDependenciesFromSelf()) {
                    final JavaClass target = dependency.getTargetClass();
                    if (target.getPackageName().equals(resource.getPackageName())
                            && !topLevel(target).equals(topLevel(resource))) {
                        events.add(SimpleConditionEvent.violated(dependency, dependency.getDescription()));
                    }
                }
            }
        };
    }

    private static String topLevel(JavaClass type) {
        return type.getName().split("\\$")[0];
    }
}
