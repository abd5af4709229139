import Foundation
import ITSM

/// The demo CMDB: every CI the catalogue's services name (so incidents and CIs line up), the
/// hosts, sites and databases beneath them, one service CI per service, and redundancy groups.
///
/// The catalogue knows CI names only; their classes, attributes and relationships are here,
/// keyed by those names.
enum DemoCMDB {
    struct Spec {
        var name: String
        var ciClass: String
        var attributes: [String: FieldValue]
        var relations: [(RelationshipType, String)]
        var status: CIStatus = .production
    }

    /// A service's CI: CI names are one word, so spaces become hyphens ("Web Shop" → "Web-Shop").
    static func serviceCI(_ service: String) -> String { service.replacingOccurrences(of: " ", with: "-") }

    static let hq = "site-hq", dr = "site-dr"
    static let coreSwitches: [(RelationshipType, String)] = [(.dependsOn, "core-sw-01"), (.dependsOn, "core-sw-02")]

    private static func server(_ name: String, os: String, cores: Int, memory: Double, virtualOn host: String? = nil,
                               site: String = hq, _ more: [(RelationshipType, String)] = []) -> Spec {
        let location = site == hq ? "London HQ, DC1" : "Slough DR centre"
        let attrs: [String: FieldValue] = ["os": .text(os), "cpu-cores": .int(Int64(cores)), "memory-gb": .number(memory),
                                           "location": .text(location), "virtual": .bool(host != nil)]
        let placement: [(RelationshipType, String)] = host.map { [(.runsOn, $0)] } ?? [(.hostedOn, site)]
        return Spec(name: name, ciClass: "server", attributes: attrs, relations: placement + more)
    }

    private static func database(_ name: String, engine: String, version: String, size: Double, on cluster: String) -> Spec {
        Spec(name: name, ciClass: "database",
             attributes: ["engine": .text(engine), "version": .text(version), "size-gb": .number(size)],
             relations: [(.runsOn, cluster)])
    }

    private static func app(_ name: String, _ product: String, vendor: String, on host: String, url: String? = nil,
                            _ more: [(RelationshipType, String)] = []) -> Spec {
        var attrs: [String: FieldValue] = ["version": .text(product), "vendor": .text(vendor)]
        if let url { attrs["url"] = .text(url) }
        return Spec(name: name, ciClass: "application", attributes: attrs, relations: [(.runsOn, host)] + more)
    }

    private static func device(_ name: String, model: String, ports: Int, ip: String, site: String = hq,
                               _ more: [(RelationshipType, String)] = []) -> Spec {
        Spec(name: name, ciClass: "network-device",
             attributes: ["model": .text(model), "ports": .int(Int64(ports)), "management-ip": .text(ip),
                          "location": .text(site == hq ? "London HQ" : "Slough DR centre")],
             relations: [(.hostedOn, site)] + more)
    }

    /// Infrastructure first, so that every relationship's target exists when it is related.
    static let specs: [Spec] = [
        Spec(name: hq, ciClass: "site", attributes: ["address": .text("1 Harbour Street, London")], relations: []),
        Spec(name: dr, ciClass: "site", attributes: ["address": .text("Unit 4, Slough Data Park")], relations: []),
        device("core-sw-01", model: "Cisco Catalyst 9500", ports: 48, ip: "10.0.0.2"),
        device("core-sw-02", model: "Cisco Catalyst 9500", ports: 48, ip: "10.0.0.3"),
        device("fw-edge-01", model: "Palo Alto PA-3410", ports: 16, ip: "10.0.0.1", coreSwitches),
        device("vpn-gw-01", model: "Palo Alto PA-1410", ports: 8, ip: "10.0.0.11", [(.dependsOn, "fw-edge-01")]),
        device("vpn-gw-02", model: "Palo Alto PA-1410", ports: 8, ip: "10.0.0.12", [(.dependsOn, "fw-edge-01")]),
        device("mail-gw-01", model: "Cisco Secure Email C395", ports: 4, ip: "10.0.0.21", [(.dependsOn, "fw-edge-01")]),
        device("sbc-01", model: "Ribbon SBC 1000", ports: 4, ip: "10.0.0.31", [(.dependsOn, "fw-edge-01")]),
        device("wlc-hq-01", model: "Cisco 9800-40", ports: 4, ip: "10.0.1.10", coreSwitches),
        device("ap-hq-f1-04", model: "Cisco CW9166", ports: 1, ip: "10.0.1.104", [(.dependsOn, "wlc-hq-01")]),
        device("ap-hq-f3-12", model: "Cisco CW9166", ports: 1, ip: "10.0.1.312", [(.dependsOn, "wlc-hq-01")]),
        server("esx-hq-01", os: "VMware ESXi 8.0", cores: 64, memory: 768, coreSwitches),
        server("esx-hq-02", os: "VMware ESXi 8.0", cores: 64, memory: 768, coreSwitches),
        server("esx-hq-03", os: "VMware ESXi 8.0", cores: 64, memory: 768, coreSwitches),
        server("esx-dr-01", os: "VMware ESXi 8.0", cores: 48, memory: 512, site: dr),
        server("db-cluster-a", os: "Oracle Linux 9", cores: 48, memory: 512, coreSwitches),
        server("db-cluster-b", os: "Rocky Linux 9", cores: 32, memory: 384, coreSwitches),
        server("nas-02", os: "TrueNAS SCALE 24.10", cores: 16, memory: 128, coreSwitches),
        server("backup-01", os: "Rocky Linux 9", cores: 16, memory: 128, site: dr),
        device("tape-lib-01", model: "HPE StoreEver MSL3040", ports: 2, ip: "10.9.0.40", site: dr, [(.dependsOn, "backup-01")]),
        server("dc-01", os: "Windows Server 2022", cores: 4, memory: 16, virtualOn: "esx-hq-01"),
        server("dc-02", os: "Windows Server 2022", cores: 4, memory: 16, virtualOn: "esx-dr-01"),
        server("exch-mbx-01", os: "Windows Server 2022", cores: 16, memory: 128, virtualOn: "esx-hq-01"),
        server("exch-mbx-02", os: "Windows Server 2022", cores: 16, memory: 128, virtualOn: "esx-hq-02"),
        server("fs-hq-01", os: "Windows Server 2022", cores: 8, memory: 32, virtualOn: "esx-hq-02", [(.dependsOn, "nas-02")]),
        server("prn-srv-01", os: "Windows Server 2019", cores: 4, memory: 8, virtualOn: "esx-hq-03"),
        server("mon-01", os: "Ubuntu 24.04 LTS", cores: 8, memory: 32, virtualOn: "esx-hq-03"),
        device("mfp-hq-f2-03", model: "Canon imageRUNNER C5840i", ports: 1, ip: "10.0.2.203", [(.dependsOn, "prn-srv-01")]),
        device("mfp-hq-f4-01", model: "Canon imageRUNNER C5840i", ports: 1, ip: "10.0.2.401", [(.dependsOn, "prn-srv-01")]),
        database("db-payroll-01", engine: "oracle", version: "19c", size: 420, on: "db-cluster-a"),
        database("erp-db-01", engine: "oracle", version: "19c", size: 2_300, on: "db-cluster-a"),
        database("shop-db-01", engine: "postgresql", version: "16.4", size: 860, on: "db-cluster-b"),
        database("crm-db-01", engine: "mssql", version: "2022", size: 310, on: "db-cluster-b"),
        database("dwh-01", engine: "postgresql", version: "16.4", size: 5_400, on: "db-cluster-b"),
        app("sso-idp-01", "Keycloak 25", vendor: "Red Hat", on: "esx-hq-03", url: "https://sso.example.com",
            [(.dependsOn, "dc-01"), (.dependsOn, "dc-02")]),
        app("app-payroll-01", "PayWise 7.2", vendor: "PayWise Ltd", on: "esx-hq-01", url: "https://payroll.example.com",
            [(.dependsOn, "db-payroll-01"), (.dependsOn, "sso-idp-01")]),
        app("web-hr-01", "PeopleDesk 5.1", vendor: "PeopleDesk", on: "esx-hq-02", url: "https://hr.example.com",
            [(.dependsOn, "app-payroll-01"), (.dependsOn, "sso-idp-01")]),
        app("crm-app-01", "Dynamics 365 CE 9.2", vendor: "Microsoft", on: "esx-hq-01", url: "https://crm.example.com",
            [(.dependsOn, "crm-db-01"), (.dependsOn, "sso-idp-01")]),
        app("crm-app-02", "Dynamics 365 CE 9.2", vendor: "Microsoft", on: "esx-hq-02", url: "https://crm.example.com",
            [(.dependsOn, "crm-db-01"), (.dependsOn, "sso-idp-01")]),
        app("erp-prd-01", "SAP S/4HANA 2023", vendor: "SAP", on: "esx-hq-03", url: "https://erp.example.com",
            [(.dependsOn, "erp-db-01"), (.dependsOn, "sso-idp-01")]),
        app("shop-web-01", "Shopware 6.6", vendor: "Shopware", on: "esx-hq-01", url: "https://shop.example.com",
            [(.dependsOn, "shop-db-01")]),
        app("shop-web-02", "Shopware 6.6", vendor: "Shopware", on: "esx-hq-02", url: "https://shop.example.com",
            [(.dependsOn, "shop-db-01")]),
        app("etl-01", "Airflow 2.10", vendor: "Apache", on: "esx-hq-03", [(.dependsOn, "dwh-01"), (.dependsOn, "erp-db-01")]),
        app("voip-cm-01", "CUCM 15", vendor: "Cisco", on: "esx-hq-02", [(.dependsOn, "sbc-01")]),
        app("vc-bridge-01", "Pexip Infinity 35", vendor: "Pexip", on: "esx-hq-03", [(.dependsOn, "fw-edge-01")]),
        app("mdm-01", "Intune connector 6.2", vendor: "Microsoft", on: "esx-hq-02", [(.dependsOn, "sso-idp-01")]),
        app("sccm-01", "Configuration Manager 2409", vendor: "Microsoft", on: "esx-hq-03", [(.dependsOn, "dc-01")]),
    ]

    /// CIs a service stands on beyond those the catalogue lists (the catalogue lists none for
    /// Laptops & Desktops; the demo says they are managed through sccm-01).
    static let extraServiceCIs: [String: [String]] = ["Laptops & Desktops": ["sccm-01"], "Database Platform": ["crm-db-01"]]

    /// Redundant pairs: dependants see each as one, up while the rule holds.
    static let groups: [(name: String, members: Set<String>, rule: RedundancyGroup.Rule)] = [
        ("core-switching", ["core-sw-01", "core-sw-02"], .atLeast(1)),
        ("vpn-gateways", ["vpn-gw-01", "vpn-gw-02"], .atLeast(1)),
        ("domain-controllers", ["dc-01", "dc-02"], .atLeast(1)),
        ("mailbox-dag", ["exch-mbx-01", "exch-mbx-02"], .atLeast(1)),
        ("shop-web-farm", ["shop-web-01", "shop-web-02"], .atLeast(1)),
        ("crm-app-pool", ["crm-app-01", "crm-app-02"], .atLeastPercent(50)),
    ]

    /// A CI retired during the period, so the browser shows a life that ended.
    static let retired = "nas-01"

    /// The criticality of a CI: that of the most critical service standing on it, else medium.
    static func criticality(of ci: String, services: [DemoCatalogue.ServiceSpec]) -> Criticality {
        services.filter { cis(of: $0).contains(ci) }.map(\.criticality).min() ?? .medium
    }

    static func cis(of service: DemoCatalogue.ServiceSpec) -> [String] {
        service.cis + (extraServiceCIs[service.name] ?? [])
    }

    static func commands(services: [DemoCatalogue.ServiceSpec], cast: DemoCast, now: Date) -> [DemoCommand] {
        let admin = cast.admin
        var t = now.addingTimeInterval(-89 * DemoTime.day)
        var out: [DemoCommand] = []
        func add(_ op: CMDBOperation, _ subject: String, by actor: Agent = admin) {
            t.addTimeInterval(7)
            out.append(DemoCommand(actor: actor, at: t, operation: .cmdb(op, subject: subject)))
        }
        // The retired NAS first: registered, in production, replaced by nas-02.
        add(.createCI(ciClass: "server", status: .production, criticality: .medium, attributes: [
            "os": .text("FreeNAS 11.3"), "cpu-cores": .int(8), "memory-gb": .number(64), "location": .text("London HQ, DC1"), "virtual": .bool(false),
        ]), retired)
        for spec in specs {
            add(.createCI(ciClass: spec.ciClass, status: spec.status, criticality: criticality(of: spec.name, services: services),
                          attributes: spec.attributes), spec.name)
        }
        for service in services {
            add(.createCI(ciClass: CIClassCatalogue.serviceClass, status: .production, criticality: service.criticality,
                          attributes: ["owner": .text(service.owner),
                                       "hours": .text(service.criticality <= .high ? DemoCatalogue.allHours : DemoCatalogue.officeHours)]),
                serviceCI(service.name))
        }
        for spec in specs {
            for (type, target) in spec.relations { add(.relate(type, to: target), spec.name) }
        }
        for service in services {
            for ci in cis(of: service) { add(.relate(.dependsOn, to: ci), serviceCI(service.name)) }
        }
        for group in groups { add(.defineGroup(members: group.members, rule: group.rule), group.name) }
        // Later in the period: nas-01 retired by the change manager, a host in maintenance.
        t = now.addingTimeInterval(-40 * DemoTime.day)
        add(.setStatus(.retired), retired, by: cast.changeManager)
        add(.setAttributes(["version": .text("Shopware 6.6.9")]), "shop-web-01")
        add(.setAttributes(["version": .text("Shopware 6.6.9")]), "shop-web-02")
        t = now.addingTimeInterval(-2 * DemoTime.day)
        add(.setStatus(.maintenance), "esx-hq-03")
        add(.setAttributes(["memory-gb": .number(1_024)]), "esx-hq-03")
        return out
    }
}
