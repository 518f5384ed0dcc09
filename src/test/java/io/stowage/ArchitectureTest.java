package io.stowage;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import jakarta.persistence.Entity;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.data.repository.Repository;
import org.springframework.stereotype.Controller;
import org.springframework.web.bind.annotation.RestController;

/**
 * The arrows between packages point one way (docs/development.md, Layout): the surfaces ({@code distribution},
 * {@code admin}, {@code ui}, and {@code security}, which wires their chains) over the feature packages
 * ({@code auth}, {@code registry}, {@code gc}, {@code accounts}, {@code proxy}, {@code governance}) over {@code metadata} and
 * {@code storage}.
 */
class ArchitectureTest {

    private static final String[] SURFACES = {"io.stowage.distribution..", "io.stowage.admin..", "io.stowage.ui..",
            "io.stowage.security.."};

    private static JavaClasses classes;

    @BeforeAll
    static void importMain() {
        classes = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages("io.stowage");
    }

    @Test
    void theTopLevelPackagesFormNoCycle() {
        slices().matching("io.stowage.(*)..").should().beFreeOfCycles().check(classes);
    }

    @Test
    void theAdminApiAndTheUiNeverImportEachOther() {
        noClasses().that().resideInAPackage("io.stowage.admin..").should().dependOnClassesThat()
                .resideInAPackage("io.stowage.ui..").check(classes);
        noClasses().that().resideInAPackage("io.stowage.ui..").should().dependOnClassesThat()
                .resideInAPackage("io.stowage.admin..").check(classes);
    }

    @Test
    void onlySecurityWiresTheSurfaces() {
        noClasses().that().resideOutsideOfPackages(SURFACES).should().dependOnClassesThat()
                .resideInAnyPackage(SURFACES).check(classes);
    }

    @Test
    void theFeaturePackagesKnowNoSurface() {
        noClasses().that().resideInAnyPackage("io.stowage.registry..", "io.stowage.accounts..", "io.stowage.gc..",
                        "io.stowage.auth..", "io.stowage.proxy..", "io.stowage.governance..")
                .should().dependOnClassesThat().resideInAnyPackage("io.stowage.distribution..", "io.stowage.admin..",
                        "io.stowage.ui..", "io.stowage.security..", "io.stowage.web..")
                .check(classes);
    }

    @Test
    void theAccountDomainDependsOnlyOnConfigurationAndMetadata() {
        noClasses().that().resideInAPackage("io.stowage.accounts..").should().dependOnClassesThat()
                .resideInAnyPackage("io.stowage.registry..", "io.stowage.auth..", "io.stowage.gc..",
                        "io.stowage.storage..", "io.stowage.outage..")
                .check(classes);
    }

    @Test
    void theRegistryDomainKnowsNothingOfTokensNorCollection() {
        noClasses().that().resideInAPackage("io.stowage.registry..").should().dependOnClassesThat()
                .resideInAnyPackage("io.stowage.auth..", "io.stowage.gc..").check(classes);
    }

    /** The pull-through cache sits over the registry domain, which knows nothing of upstreams. */
    @Test
    void theRegistryDomainKnowsNothingOfUpstreams() {
        noClasses().that().resideInAPackage("io.stowage.registry..").should().dependOnClassesThat()
                .resideInAPackage("io.stowage.proxy..").check(classes);
    }

    /**
     * Release governance sits over the registry domain, which asks it through {@link io.stowage.registry.ReleaseProtection}
     * and knows nothing of rules and holds.
     */
    @Test
    void theRegistryDomainKnowsNothingOfGovernance() {
        noClasses().that().resideInAPackage("io.stowage.registry..").should().dependOnClassesThat()
                .resideInAPackage("io.stowage.governance..").check(classes);
    }

    @Test
    void metadataAndStorageKnowNothingOfHttpNorOfTheLayersAbove() {
        noClasses().that().resideInAnyPackage("io.stowage.metadata..", "io.stowage.storage..")
                .should().dependOnClassesThat().resideInAnyPackage("jakarta.servlet..", "org.springframework.web..",
                        "org.springframework.http..")
                .check(classes);
        noClasses().that().resideInAPackage("io.stowage.metadata..").should().dependOnClassesThat()
                .resideInAnyPackage("io.stowage.registry..", "io.stowage.accounts..", "io.stowage.auth..",
                        "io.stowage.gc..", "io.stowage.storage..", "io.stowage.governance..")
                .check(classes);
        noClasses().that().resideInAPackage("io.stowage.storage..").should().dependOnClassesThat()
                .resideInAnyPackage("java.sql..", "org.springframework.jdbc..", "io.stowage.metadata..",
                        "io.stowage.registry..")
                .check(classes);
    }

    @Test
    void jpaStaysInTheAccountDomain() {
        classes().that().areAnnotatedWith(Entity.class).should().resideInAPackage("io.stowage.accounts..")
                .check(classes);
        classes().that().areAssignableTo(Repository.class).should().resideInAPackage("io.stowage.accounts..")
                .check(classes);
        noClasses().that().resideOutsideOfPackage("io.stowage.accounts..").should().dependOnClassesThat()
                .resideInAnyPackage("jakarta.persistence..", "org.hibernate..").check(classes);
    }

    /** The token endpoint is the one controller of {@code auth}, which issues what it hands out. */
    @Test
    void controllersLiveOnTheSurfaces() {
        classes().that().areAnnotatedWith(RestController.class).or().areAnnotatedWith(Controller.class)
                .and().doNotHaveFullyQualifiedName("io.stowage.auth.TokenController")
                .should().resideInAnyPackage(SURFACES).check(classes);
    }
}
