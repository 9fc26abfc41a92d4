package dev.berth.vm;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/**
 * The host side talks to the engine only through the wire contract (berth-api), never by calling engine
 * code: the engine runs in another process, and on macOS/Windows in another machine.
 */
class ArchitectureTest {
    @Test
    void hostCodeNeverCallsEngineCode() {
        JavaClasses classes = new ClassFileImporter()
                .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages("dev.berth.vm");
        noClasses().that().resideInAPackage("dev.berth.vm..")
                .should().dependOnClassesThat().resideInAPackage("dev.berth.engine..")
                .check(classes);
    }
}
