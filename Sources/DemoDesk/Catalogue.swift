import Foundation
import ITSM

/// The demo desk's people, groups, services, calendars and SLAs: a mid-sized company's IT.
public enum DemoCatalogue {
    public struct Person: Sendable {
        public let user: String
        public let name: String
        public let roles: Set<Role>
        public let groups: Set<String>
    }

    public struct ServiceSpec: Sendable {
        public let name: String
        public let group: String
        public let owner: String
        public let criticality: Criticality
        public let cis: [String]
    }

    public static let serviceDesk = "Service Desk"
    public static let groups: [(name: String, manager: String)] = [
        (serviceDesk, "priya"), ("Network", "rajesh"), ("DBA", "chen"), ("Applications", "fatima"),
        ("Workplace", "grace"), ("Identity & Access", "yusuf"), ("Infrastructure", "marco"),
    ]

    /// The admin who set the desk up; also runs the scheduled auto-close.
    public static let admin = "dana"
    public static let changeManager = "claire"

    public static let people: [Person] = [
        Person(user: "dana", name: "Dana Whitfield", roles: [.admin, .agent], groups: [serviceDesk]),
        Person(user: "priya", name: "Priya Raman", roles: [.manager], groups: [serviceDesk]),
        Person(user: "tom", name: "Tom Becker", roles: [.agent], groups: [serviceDesk]),
        Person(user: "aisha", name: "Aisha Okafor", roles: [.agent], groups: [serviceDesk]),
        Person(user: "lukas", name: "Lukas Novak", roles: [.agent], groups: [serviceDesk]),
        Person(user: "mei", name: "Mei Tanaka", roles: [.agent], groups: [serviceDesk]),
        Person(user: "omar", name: "Omar Haddad", roles: [.agent], groups: [serviceDesk]),
        Person(user: "sofia", name: "Sofia Lindqvist", roles: [.agent], groups: [serviceDesk, "Workplace"]),
        Person(user: "rajesh", name: "Rajesh Iyer", roles: [.manager, .cabMember], groups: ["Network"]),
        Person(user: "erik", name: "Erik Johansson", roles: [.agent], groups: ["Network"]),
        Person(user: "nina", name: "Nina Kowalski", roles: [.agent], groups: ["Network"]),
        Person(user: "chen", name: "Chen Wei", roles: [.manager, .cabMember], groups: ["DBA"]),
        Person(user: "olga", name: "Olga Petrova", roles: [.agent], groups: ["DBA"]),
        Person(user: "pedro", name: "Pedro Alves", roles: [.agent], groups: ["DBA"]),
        Person(user: "fatima", name: "Fatima Zahra", roles: [.manager, .cabMember], groups: ["Applications"]),
        Person(user: "jonas", name: "Jonas Weber", roles: [.agent], groups: ["Applications"]),
        Person(user: "kate", name: "Kate Murphy", roles: [.agent], groups: ["Applications"]),
        Person(user: "samir", name: "Samir Khan", roles: [.agent], groups: ["Applications"]),
        Person(user: "grace", name: "Grace Adeyemi", roles: [.manager], groups: ["Workplace"]),
        Person(user: "diego", name: "Diego Ramos", roles: [.agent], groups: ["Workplace"]),
        Person(user: "hannah", name: "Hannah Schmidt", roles: [.agent], groups: ["Workplace"]),
        Person(user: "yusuf", name: "Yusuf Demir", roles: [.manager], groups: ["Identity & Access"]),
        Person(user: "lena", name: "Lena Fischer", roles: [.agent], groups: ["Identity & Access"]),
        Person(user: "marco", name: "Marco Rossi", roles: [.manager, .cabMember], groups: ["Infrastructure"]),
        Person(user: "ines", name: "Ines Moreau", roles: [.agent], groups: ["Infrastructure"]),
        Person(user: "viktor", name: "Viktor Horvat", roles: [.agent], groups: ["Infrastructure"]),
        Person(user: "claire", name: "Claire Dubois", roles: [.changeManager, .manager, .cabMember], groups: [serviceDesk]),
    ]

    public static let services: [ServiceSpec] = [
        ServiceSpec(name: "Email", group: "Applications", owner: "fatima", criticality: .high, cis: ["exch-mbx-01", "exch-mbx-02", "mail-gw-01"]),
        ServiceSpec(name: "VPN", group: "Network", owner: "rajesh", criticality: .high, cis: ["vpn-gw-01", "vpn-gw-02"]),
        ServiceSpec(name: "Wi-Fi", group: "Network", owner: "rajesh", criticality: .medium, cis: ["wlc-hq-01", "ap-hq-f3-12", "ap-hq-f1-04"]),
        ServiceSpec(name: "Core Network", group: "Network", owner: "rajesh", criticality: .critical, cis: ["core-sw-01", "core-sw-02", "fw-edge-01"]),
        ServiceSpec(name: "Payroll", group: "Applications", owner: "fatima", criticality: .critical, cis: ["app-payroll-01", "db-payroll-01"]),
        ServiceSpec(name: "HR Portal", group: "Applications", owner: "fatima", criticality: .medium, cis: ["web-hr-01"]),
        ServiceSpec(name: "CRM", group: "Applications", owner: "fatima", criticality: .high, cis: ["crm-app-01", "crm-app-02"]),
        ServiceSpec(name: "ERP", group: "Applications", owner: "fatima", criticality: .critical, cis: ["erp-prd-01", "erp-db-01"]),
        ServiceSpec(name: "Web Shop", group: "Applications", owner: "fatima", criticality: .critical, cis: ["shop-web-01", "shop-web-02", "shop-db-01"]),
        ServiceSpec(name: "File Shares", group: "Infrastructure", owner: "marco", criticality: .medium, cis: ["fs-hq-01", "nas-02"]),
        ServiceSpec(name: "Printing", group: "Workplace", owner: "grace", criticality: .low, cis: ["prn-srv-01", "mfp-hq-f2-03", "mfp-hq-f4-01"]),
        ServiceSpec(name: "Telephony", group: "Network", owner: "rajesh", criticality: .high, cis: ["voip-cm-01", "sbc-01"]),
        ServiceSpec(name: "Video Conferencing", group: "Workplace", owner: "grace", criticality: .medium, cis: ["vc-bridge-01"]),
        ServiceSpec(name: "Identity & SSO", group: "Identity & Access", owner: "yusuf", criticality: .critical, cis: ["dc-01", "dc-02", "sso-idp-01"]),
        ServiceSpec(name: "Laptops & Desktops", group: "Workplace", owner: "grace", criticality: .medium, cis: []),
        ServiceSpec(name: "Mobile Devices", group: "Workplace", owner: "grace", criticality: .low, cis: ["mdm-01"]),
        ServiceSpec(name: "Database Platform", group: "DBA", owner: "chen", criticality: .high, cis: ["db-cluster-a", "db-cluster-b"]),
        ServiceSpec(name: "Data Warehouse", group: "DBA", owner: "chen", criticality: .medium, cis: ["dwh-01", "etl-01"]),
        ServiceSpec(name: "Backup", group: "Infrastructure", owner: "marco", criticality: .high, cis: ["backup-01", "tape-lib-01"]),
        ServiceSpec(name: "Monitoring", group: "Infrastructure", owner: "marco", criticality: .medium, cis: ["mon-01"]),
    ]

    /// Office hours with the public holidays of the years around `now`.
    public static let officeHours = "Office hours"
    public static let allHours = "24x7"

    static func holidays(around now: Date) -> [Holiday] {
        let year = CivilDate(dayNumber: Int((now.timeIntervalSince1970 / 86_400).rounded(.down))).year
        var out: [Holiday] = []
        for y in (year - 1)...(year + 1) {
            out.append(Holiday(CivilDate(y, 1, 1)))
            out.append(Holiday(CivilDate(y, 5, 1)))
            out.append(Holiday(CivilDate(y, 12, 25)))
            out.append(Holiday(CivilDate(y, 12, 26)))
            // Easter Monday and Good Friday (anonymous Gregorian algorithm).
            let a = y % 19, b = y / 100, c = y % 100, d = b / 4, e = b % 4, f = (b + 8) / 25, g = (b - f + 1) / 3
            let h = (19 * a + b - d - g + 15) % 30, i = c / 4, k = c % 4, l = (32 + 2 * e + 2 * i - h - k) % 7
            let m = (a + 11 * h + 22 * l) / 451
            let month = (h + l - 7 * m + 114) / 31, day = (h + l - 7 * m + 114) % 31 + 1
            let easter = CivilDate(y, month, day).dayNumber
            out.append(Holiday(CivilDate(dayNumber: easter - 2)))
            out.append(Holiday(CivilDate(dayNumber: easter + 1)))
        }
        return out
    }

    /// The directory as commands, in the order a real admin would give them.
    public static func directoryCommands(now: Date, operatorUser: String? = nil) -> [(actor: String, command: Command)] {
        var out: [(String, Command)] = []
        // Office hours in UTC (the desk's London office outside summer time): a fixed offset
        // keeps the calendar maths off ICU's locked time-zone lookups, which made a million
        // incidents' SLA clocks several times slower and serialised the generator's threads.
        let tz = TimeZone(secondsFromGMT: 0)!
        // Bootstrap: the first admin creates themself; groups need to exist before members join them.
        out.append((admin, .createAgent(user: admin, displayName: "Dana Whitfield", roles: [.admin, .agent], groups: [])))
        for p in people where p.user != admin {
            out.append((admin, .createAgent(user: p.user, displayName: p.name, roles: p.roles, groups: [])))
        }
        for g in groups { out.append((admin, .defineGroup(name: g.name, manager: g.manager))) }
        for p in people where !p.groups.isEmpty {
            out.append((admin, .updateAgent(user: p.user, displayName: nil, roles: nil, groups: p.groups)))
        }
        if let op = operatorUser, !op.isEmpty, !people.contains(where: { $0.user == op }) {
            out.append((admin, .createAgent(user: op, displayName: "You (\(op))", roles: [.agent, .manager, .admin],
                                            groups: Set(groups.map(\.name)))))
        }
        for s in services {
            out.append((admin, .defineService(Service(name: s.name, owner: s.owner, criticality: s.criticality))))
        }
        let office = BusinessCalendar.weekdays(name: officeHours, timeZone: tz, [TimeRange(8, 18)!], holidays: holidays(around: now))
        out.append((admin, .defineCalendar(office)))
        out.append((admin, .defineCalendar(.twentyFourSeven(name: allHours, timeZone: tz))))
        let hour: TimeInterval = 3600
        out.append((admin, .defineSLA(SLADefinition(name: "P1 critical", priorities: [.p1], responseTarget: 15 * 60,
                                                    resolutionTarget: 4 * hour, calendar: allHours, warningPercents: [50, 75, 90]))))
        out.append((admin, .defineSLA(SLADefinition(name: "P2 high", priorities: [.p2], responseTarget: 30 * 60,
                                                    resolutionTarget: 8 * hour, calendar: officeHours))))
        out.append((admin, .defineSLA(SLADefinition(name: "P3 moderate", priorities: [.p3], responseTarget: 4 * hour,
                                                    resolutionTarget: 30 * hour, calendar: officeHours))))
        out.append((admin, .defineSLA(SLADefinition(name: "P4 low", priorities: [.p4], responseTarget: 8 * hour,
                                                    resolutionTarget: 50 * hour, calendar: officeHours))))
        out.append((admin, .defineSLA(SLADefinition(name: "P5 planning", priorities: [.p5], responseTarget: 20 * hour,
                                                    resolutionTarget: 100 * hour, calendar: officeHours))))
        out.append((admin, .setAutoClose(businessDays: 5, calendar: officeHours)))
        return out
    }

    static func members(of group: String) -> [String] {
        people.filter { $0.groups.contains(group) && ($0.roles.contains(.agent) || $0.roles.contains(.manager)) && $0.user != admin && $0.user != changeManager }
            .map(\.user)
    }
}
