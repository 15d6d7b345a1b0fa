package dev.cairn.api.architecture;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.Set;
import java.util.TreeSet;

import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.domain.JavaPackage;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchRule;
import org.jspecify.annotations.NullMarked;
import org.junit.jupiter.api.Test;

/** The rules that keep core-api a small, null-checked SPI a plugin can compile against alone. */
class CoreApiArchitectureTest {
    private static final JavaClasses MAIN_CLASSES = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("dev.cairn.api");

    @Test
    void everyPackageIsNullMarked() {
        Set<String> packages = new TreeSet<>();
        for (JavaClass javaClass : MAIN_CLASSES) {
            packages.add(javaClass.getPackageName());
        }
        assertThat(packages).contains("dev.cairn.api", "dev.cairn.api.spi");
        Set<String> unmarked = new TreeSet<>();
        for (String name : packages) {
            JavaPackage javaPackage = MAIN_CLASSES.getPackage(name);
            if (!javaPackage.isAnnotatedWith(NullMarked.class)) {
                unmarked.add(name);
            }
        }
        assertThat(unmarked)
                .as("packages of core-api without @NullMarked in their package-info.java")
                .isEmpty();
    }

    @Test
    void coreApiDependsOnlyOnTheJdkAndAnnotationJars() {
        ArchRule rule = classes().that().resideInAPackage("dev.cairn.api..")
                .should().onlyDependOnClassesThat()
                .resideInAnyPackage("dev.cairn.api..", "java..",
                        "org.apiguardian.api..", "org.jspecify.annotations..")
                .because("plugins compile against core-api alone: the JDK, apiguardian and jspecify only");
        rule.check(MAIN_CLASSES);
    }

    @Test
    void publicTypesDeclareTheirApiStatus() {
        ArchRule rule = classes().that().resideInAPackage("dev.cairn.api..").and().arePublic()
                .and().areNotMemberClasses().and().doNotHaveSimpleName("package-info")
                .should().beAnnotatedWith(org.apiguardian.api.API.class);
        rule.check(MAIN_CLASSES);
    }
}
