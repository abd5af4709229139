import ITSM

/// What a kind of incident looks like: titles, description, the notes agents write while
/// working it and how it usually ends. `{ci}`, `{caller}`, `{site}`, `{floor}`, `{n}`, `{asset}`
/// and `{app}` are filled per incident.
struct IncidentTemplate: Sendable {
    let service: String
    let category: String
    let titles: [String]
    let description: String
    let notes: [String]
    let reply: String
    let resolution: String
    let code: ResolutionCode
    /// How widely it tends to hurt: the chance of a department- or enterprise-wide impact.
    let wide: Double
    let hold: HoldReason?
}

/// A recurring cause behind several incidents.
struct ProblemTemplate: Sendable {
    let service: String
    let template: Int      // index into `DemoTemplates.incidents` of its symptom
    let title: String
    let description: String
    let rootCause: String
    let workaround: String
    let fix: String
}

enum DemoTemplates {
    static let sites = ["London HQ", "Manchester", "Leeds DC", "Bristol", "Edinburgh", "Dublin", "remote"]
    static let departments = ["Finance", "Sales", "Marketing", "HR", "Legal", "Logistics", "Customer Care", "Engineering", "Procurement", "Facilities"]
    static let firstNames = ["James", "Olivia", "Noah", "Amelia", "Leo", "Isla", "Arthur", "Ava", "Muhammad", "Freya", "Harry", "Lily",
                             "Oscar", "Emily", "George", "Grace", "Theo", "Mia", "Jack", "Zara", "Ravi", "Anya", "Kwame", "Ingrid"]
    static let lastNames = ["Smith", "Jones", "Taylor", "Brown", "Williams", "Wilson", "Johnson", "Davies", "Patel", "Robinson",
                            "Wright", "Thompson", "Evans", "Walker", "White", "Roberts", "Green", "Hall", "Nowak", "Okoye", "Sato", "Berg"]
    static let apps = ["Excel", "Outlook", "Teams", "SAP GUI", "Salesforce", "Power BI", "Chrome", "Adobe Acrobat", "Zoom", "Visio"]

    static let genericNotes = [
        "Called the user back, no answer; left a voicemail with the ticket number.",
        "Checked the monitoring dashboard for the last 24 hours: nothing unusual on {ci}.",
        "Reproduced the issue on a test account; collecting logs.",
        "Asked the user for a screenshot of the exact error message.",
        "Remote session with the user: confirmed the symptom.",
        "Escalation to the service owner by mail; waiting for their view.",
    ]

    static let incidents: [IncidentTemplate] = [
        // Email
        IncidentTemplate(service: "Email", category: "Mailbox", titles: ["Outlook keeps asking for password", "Outlook prompts for credentials every few minutes", "Cannot sign in to Outlook after password change"],
                         description: "{caller} reports Outlook repeatedly asks for the password since this morning. Webmail works. Laptop {asset}, {site}.",
                         notes: ["Cleared cached credentials in Credential Manager; prompt came back after a restart.", "Modern authentication registry keys were missing on {asset}; re-applied the policy."],
                         reply: "We are looking into the repeated password prompts. In the meantime Outlook on the web works normally.",
                         resolution: "Re-applied the modern-authentication policy and rebuilt the Outlook profile; no prompts since.", code: .solvedPermanently, wide: 0.05, hold: .awaitingCaller),
        IncidentTemplate(service: "Email", category: "Delivery", titles: ["Emails to external recipients bouncing", "Outbound mail stuck in outbox", "Mails from {dept} rejected by partner domain"],
                         description: "Several users in {dept} see NDRs (550 5.7.1) when sending to external addresses since {time}. Internal mail flows normally.",
                         notes: ["Message trace shows rejects at mail-gw-01: sender reputation listing.", "Opened a delisting request with the blocklist operator.", "Outbound queue on mail-gw-01 is draining again."],
                         reply: "Mail to some external domains was rejected; we have found the cause and mail is flowing again. Please resend anything that bounced.",
                         resolution: "Delisted the gateway's address and fixed the SPF record that had dropped mail-gw-01; outbound mail delivered.", code: .solvedPermanently, wide: 0.5, hold: .awaitingVendor),
        IncidentTemplate(service: "Email", category: "Mailbox", titles: ["Shared mailbox {dept} not visible in Outlook", "Cannot send as the {dept} shared mailbox"],
                         description: "{caller} was given access to the {dept} shared mailbox yesterday but it does not appear in Outlook.",
                         notes: ["Permission was granted but auto-mapping was disabled; re-added with auto-mapping."],
                         reply: "Please restart Outlook; the shared mailbox should now appear in the folder list within an hour.",
                         resolution: "Re-granted full access with auto-mapping; mailbox appears after Outlook restart.", code: .solvedPermanently, wide: 0.0, hold: .awaitingCaller),
        // VPN
        IncidentTemplate(service: "VPN", category: "Connectivity", titles: ["VPN disconnects every 10 minutes", "VPN drops when on home Wi-Fi", "Unstable VPN connection from {site}"],
                         description: "{caller} working from home loses the VPN tunnel roughly every ten minutes; Teams calls drop with it. Laptop {asset}.",
                         notes: ["Client logs show DPD timeouts towards vpn-gw-02.", "Moved the user to vpn-gw-01 as a test; stable for an hour."],
                         reply: "We have moved your connection to another VPN gateway. Please let us know if the drops continue.",
                         resolution: "DPD timers on vpn-gw-02 were too aggressive after the firmware update; restored the standard profile.", code: .solvedPermanently, wide: 0.2, hold: .awaitingCaller),
        IncidentTemplate(service: "VPN", category: "Access", titles: ["Cannot connect to VPN: certificate expired", "VPN login fails with error 809"],
                         description: "{caller} cannot establish the VPN since Monday. The client reports an expired machine certificate.",
                         notes: ["Machine certificate on {asset} expired; auto-enrolment had failed.", "Triggered certificate re-enrolment remotely."],
                         reply: "Your laptop's VPN certificate had expired. Please connect to the office network or use the wired port at reception once so it can renew.",
                         resolution: "Renewed the machine certificate and fixed the enrolment task; VPN connects.", code: .solvedPermanently, wide: 0.0, hold: .awaitingCaller),
        // Wi-Fi
        IncidentTemplate(service: "Wi-Fi", category: "Coverage", titles: ["No Wi-Fi signal in meeting rooms on floor {floor}", "Wi-Fi very slow on floor {floor}", "Guest Wi-Fi portal not loading at {site}"],
                         description: "Users on floor {floor} at {site} report weak or no Wi-Fi since {time}; wired ports work.",
                         notes: ["{ci} shows as down on the controller.", "Access point power-cycled via the switch port; came back with a fault LED."],
                         reply: "An access point on your floor failed. An engineer is replacing it; please use the wired ports meanwhile.",
                         resolution: "Replaced the failed access point and re-joined it to the controller; coverage back to normal.", code: .solvedPermanently, wide: 0.6, hold: .awaitingVendor),
        // Core Network
        IncidentTemplate(service: "Core Network", category: "Outage", titles: ["Packet loss between {site} and the data centre", "Intermittent network outage at {site}", "High latency on WAN link to {site}"],
                         description: "Monitoring shows packet loss of up to 20% on the WAN link from {site}; users report slow applications.",
                         notes: ["Carrier ticket opened; they see errors on the last-mile circuit.", "Traffic shifted to the backup link on {ci}."],
                         reply: "We are working with our network carrier on a fault affecting your site. Applications may be slow in the meantime.",
                         resolution: "Carrier replaced a faulty line card; link clean for 24 hours, traffic moved back to the primary circuit.", code: .solvedByChange, wide: 0.8, hold: .awaitingVendor),
        // Payroll
        IncidentTemplate(service: "Payroll", category: "Application error", titles: ["Payroll run fails at tax calculation step", "Payslips not generated for {dept}", "Payroll export to bank file fails"],
                         description: "The payroll team reports the monthly run stops at the tax calculation step with error PR-4410. Cut-off is in two days.",
                         notes: ["Job log on app-payroll-01: deadlock on the tax tables in db-payroll-01.", "Re-ran the step out of hours with the batch size halved; completed."],
                         reply: "The payroll run completed successfully after a re-run. Please check the control totals.",
                         resolution: "Re-ran the tax step with a smaller batch; vendor patch for the locking issue scheduled through change.", code: .solvedWorkaround, wide: 0.7, hold: .awaitingVendor),
        // HR Portal
        IncidentTemplate(service: "HR Portal", category: "Access", titles: ["HR portal shows 'access denied' for new starter", "Cannot submit holiday request in HR portal"],
                         description: "{caller} ({dept}) gets 'access denied' when opening the HR portal. Started on Monday.",
                         notes: ["User missing from the HR-Portal-Users group; onboarding workflow had failed."],
                         reply: "Your access to the HR portal has been added. Please sign out and in again.",
                         resolution: "Added the user to the portal group and fixed the onboarding sync.", code: .solvedPermanently, wide: 0.0, hold: .awaitingCaller),
        // CRM
        IncidentTemplate(service: "CRM", category: "Performance", titles: ["CRM very slow when opening accounts", "Timeouts saving opportunities in CRM", "CRM reports not refreshing"],
                         description: "Sales users report that opening an account in the CRM takes over 30 seconds since {time}.",
                         notes: ["crm-app-02 heap usage near limit; garbage collection pauses in the log.", "Restarted crm-app-02 during lunch; response times normal."],
                         reply: "The CRM slowness has been fixed. Thanks for your patience.",
                         resolution: "Restarted the application node and raised its memory limit; vendor case opened for the leak.", code: .solvedWorkaround, wide: 0.5, hold: .awaitingVendor),
        // ERP
        IncidentTemplate(service: "ERP", category: "Application error", titles: ["ERP posting error FI-128 in {dept}", "Cannot create purchase orders in ERP", "ERP transaction dumps with short dump"],
                         description: "{caller} in {dept} cannot post invoices; the ERP shows error FI-128 'period not open'.",
                         notes: ["Posting period for the new month had not been opened in the company code.", "Finance key user confirmed the period can be opened."],
                         reply: "The posting period has been opened; you can post again.",
                         resolution: "Opened the posting period with the finance key user's approval.", code: .userError, wide: 0.3, hold: .awaitingCaller),
        // Web Shop
        IncidentTemplate(service: "Web Shop", category: "Checkout", titles: ["Customers cannot complete checkout", "Web shop payment page times out", "Checkout fails with HTTP 502"],
                         description: "Customer Care reports customers cannot complete orders; the payment step times out. Seen since {time}.",
                         notes: ["Load balancer shows shop-web-02 failing health checks.", "Payment provider status page reports degraded service."],
                         reply: "We are aware of problems completing orders and are working on it with priority.",
                         resolution: "Payment provider resolved their incident; checkout success rate back to normal.", code: .solvedPermanently, wide: 0.9, hold: .awaitingVendor),
        // File Shares
        IncidentTemplate(service: "File Shares", category: "Access", titles: ["Cannot access {dept} share (S: drive)", "Files on the S: drive open read-only", "Restore deleted folder on {dept} share"],
                         description: "{caller} cannot open the {dept} share; Windows says the network path was not found.",
                         notes: ["DFS referral pointed to the decommissioned nas-01.", "Updated the DFS target to {ci}."],
                         reply: "The shared drive is available again. Please reconnect or sign out and in.",
                         resolution: "Corrected the DFS namespace target; share reachable for all users.", code: .solvedPermanently, wide: 0.4, hold: nil),
        // Printing
        IncidentTemplate(service: "Printing", category: "Hardware", titles: ["Printer on floor {floor} jams constantly", "Printer {ci} offline", "Cannot print in colour on floor {floor}"],
                         description: "The multifunction printer {ci} on floor {floor} at {site} jams on every second page.",
                         notes: ["Engineer visit booked with the print vendor.", "Replaced the pickup rollers; test prints fine."],
                         reply: "The printer has been repaired. Please let us know if it jams again.",
                         resolution: "Vendor replaced the worn pickup rollers.", code: .solvedPermanently, wide: 0.2, hold: .awaitingVendor),
        IncidentTemplate(service: "Printing", category: "Driver", titles: ["Print jobs stuck in queue", "Printing from {app} produces garbled pages"],
                         description: "{caller}'s print jobs stay in the queue on prn-srv-01 and never print.",
                         notes: ["Spooler on prn-srv-01 hung; restarted it.", "Cleared the stuck jobs and re-sent a test page."],
                         reply: "Your print jobs should come out now; please resend anything that is missing.",
                         resolution: "Restarted the print spooler and cleared the queue.", code: .solvedWorkaround, wide: 0.3, hold: nil),
        // Telephony
        IncidentTemplate(service: "Telephony", category: "Voice", titles: ["Desk phone shows 'registering' at {site}", "One-way audio on external calls", "Call queue for {dept} not ringing"],
                         description: "Phones at {site} show 'registering' and cannot make calls since {time}.",
                         notes: ["sbc-01 lost its route to the carrier after a config push.", "Rolled back the SBC configuration."],
                         reply: "Phones should register again within a few minutes. Please restart your phone if it still shows 'registering'.",
                         resolution: "Rolled back the SBC change that dropped the carrier route.", code: .solvedByChange, wide: 0.7, hold: nil),
        // Video Conferencing
        IncidentTemplate(service: "Video Conferencing", category: "Meeting rooms", titles: ["Meeting room camera not detected", "Cannot share screen in meeting room {floor}.{n}", "Room system shows no video"],
                         description: "In meeting room {floor}.{n} at {site} the room system does not detect the camera; meetings start without video.",
                         notes: ["USB extender between camera and room PC failing.", "Swapped the extender from stock."],
                         reply: "The room's camera works again.",
                         resolution: "Replaced the faulty USB extender.", code: .solvedPermanently, wide: 0.1, hold: nil),
        // Identity & SSO
        IncidentTemplate(service: "Identity & SSO", category: "Account", titles: ["Account locked out repeatedly", "MFA prompt not arriving on phone", "Password reset link not received"],
                         description: "{caller}'s account locks several times a day. User changed password last week.",
                         notes: ["Lockout source is an old phone still syncing mail with the previous password.", "User removed the account from the old phone."],
                         reply: "Your account was being locked by an old device with your previous password. It has been removed; the lockouts should stop.",
                         resolution: "Removed stale credentials from an old mobile device; no further lockouts.", code: .userError, wide: 0.0, hold: .awaitingCaller),
        IncidentTemplate(service: "Identity & SSO", category: "SSO", titles: ["Single sign-on fails for {app}", "SSO login loop on the intranet"],
                         description: "Users are sent back to the sign-in page in a loop when opening {app} through SSO since {time}.",
                         notes: ["Signing certificate on sso-idp-01 rolled over; the relying party still had the old one.", "Updated the federation metadata on the relying party."],
                         reply: "Single sign-on works again; please close and reopen your browser.",
                         resolution: "Updated the relying party with the new signing certificate.", code: .solvedPermanently, wide: 0.7, hold: nil),
        // Laptops & Desktops
        IncidentTemplate(service: "Laptops & Desktops", category: "Hardware", titles: ["Laptop {asset} will not boot", "Laptop battery swollen", "Screen flickering on laptop {asset}", "Keyboard keys not responding"],
                         description: "{caller}'s laptop {asset} shows a black screen after the logo. Needed for a customer meeting tomorrow.",
                         notes: ["Hardware diagnostics report a failing SSD.", "Loan laptop handed out; data restored from OneDrive."],
                         reply: "A loan laptop is ready at the {site} service point. Your laptop goes to repair.",
                         resolution: "SSD replaced under warranty; laptop reimaged and returned.", code: .solvedPermanently, wide: 0.0, hold: .awaitingVendor),
        IncidentTemplate(service: "Laptops & Desktops", category: "Software", titles: ["{app} crashes on start", "{app} add-in missing after update", "Cannot install {app}"],
                         description: "{caller} reports {app} crashes immediately after start since last night's update.",
                         notes: ["Crash log points to an outdated add-in.", "Disabled the add-in via policy for this device."],
                         reply: "{app} starts again. One add-in is disabled until the vendor releases a fix.",
                         resolution: "Disabled the incompatible add-in; vendor fix tracked separately.", code: .solvedWorkaround, wide: 0.1, hold: .awaitingCaller),
        // Mobile Devices
        IncidentTemplate(service: "Mobile Devices", category: "Enrolment", titles: ["New phone cannot enrol in MDM", "Company apps missing on mobile", "Mail not syncing on mobile"],
                         description: "{caller} received a new phone but enrolment in device management fails at the last step.",
                         notes: ["Device limit per user reached in mdm-01; retired the old phone."],
                         reply: "Please retry the enrolment; your old phone has been retired from device management.",
                         resolution: "Retired the old device record; enrolment succeeded.", code: .solvedPermanently, wide: 0.0, hold: .awaitingCaller),
        // Database Platform
        IncidentTemplate(service: "Database Platform", category: "Performance", titles: ["High CPU on {ci}", "Replication lag on {ci}", "Database connections exhausted on {ci}"],
                         description: "Monitoring alerts: CPU above 95% for 20 minutes on {ci}; dependent applications slow.",
                         notes: ["A reporting query without an index is scanning the orders table.", "Killed the session; asked the report owner to reschedule."],
                         reply: "Performance is back to normal.",
                         resolution: "Added the missing index and moved the report to the replica.", code: .solvedPermanently, wide: 0.6, hold: nil),
        // Data Warehouse
        IncidentTemplate(service: "Data Warehouse", category: "ETL", titles: ["Nightly ETL load failed", "Sales dashboard shows yesterday's data", "Data warehouse load overran into business hours"],
                         description: "The nightly load on etl-01 failed at the staging step; dashboards show stale figures.",
                         notes: ["Source extract arrived late; file incomplete.", "Re-ran the load from the complete extract."],
                         reply: "Dashboards are up to date again.",
                         resolution: "Re-ran the load; added a completeness check before staging.", code: .solvedPermanently, wide: 0.5, hold: .awaitingVendor),
        // Backup
        IncidentTemplate(service: "Backup", category: "Job failure", titles: ["Backup job failed for {ci}", "Tape library reports drive error", "Backups missing retention for {dept} share"],
                         description: "Last night's backup of {ci} failed with 'snapshot timeout'.",
                         notes: ["VSS writer in a failed state on the client.", "Restarted the writer and ran the job manually; completed."],
                         reply: "The backup has completed.",
                         resolution: "Reset the VSS writers and re-ran the job successfully.", code: .solvedWorkaround, wide: 0.1, hold: nil),
        // Monitoring
        IncidentTemplate(service: "Monitoring", category: "Alerting", titles: ["Alert storm from mon-01", "Monitoring agent not reporting from {ci}", "Disk space alert on {ci}"],
                         description: "mon-01 raised over 300 alerts in ten minutes for hosts that are up.",
                         notes: ["Monitoring proxy lost its database connection; checks timed out.", "Restarted the proxy; alerts cleared."],
                         reply: "The false alerts have stopped.",
                         resolution: "Restarted the monitoring proxy and added a check on its database link.", code: .solvedPermanently, wide: 0.3, hold: nil),
    ]

    static let problems: [ProblemTemplate] = [
        ProblemTemplate(service: "VPN", template: 3, title: "VPN tunnels drop on vpn-gw-02 after firmware 9.1",
                        description: "Recurring VPN disconnects for home workers, all on vpn-gw-02.",
                        rootCause: "Firmware 9.1 changed the dead-peer-detection defaults; idle tunnels are torn down after 600 s.",
                        workaround: "Move affected users to vpn-gw-01 (client profile 'HQ-A').", fix: "Set DPD interval explicitly in the gateway profile."),
        ProblemTemplate(service: "Email", template: 0, title: "Outlook password prompts after modern-auth policy drift",
                        description: "Repeated credential prompts in Outlook on laptops built from the 2024 image.",
                        rootCause: "The 2024 laptop image lacks the modern-authentication registry keys; a GPO meant to set them is filtered out.",
                        workaround: "Re-apply the 'Office-ModernAuth' policy and rebuild the Outlook profile.", fix: "Fix the GPO filter and update the image."),
        ProblemTemplate(service: "CRM", template: 9, title: "CRM application node memory leak",
                        description: "crm-app-02 slows down every few days until restarted.",
                        rootCause: "A reporting plug-in keeps result sets in the session cache.",
                        workaround: "Restart crm-app-02 out of hours when heap use passes 85%.", fix: "Vendor hotfix 7.4.2 for the plug-in."),
        ProblemTemplate(service: "Printing", template: 14, title: "Print spooler on prn-srv-01 hangs under load",
                        description: "Print queues stop several times a week.",
                        rootCause: "An old universal driver crashes the spooler on large PDF jobs.",
                        workaround: "Restart the spooler service and clear stuck jobs.", fix: "Replace the universal driver with the vendor's v4 driver."),
        ProblemTemplate(service: "Identity & SSO", template: 17, title: "Account lockouts from stale mobile credentials",
                        description: "Frequent lockouts after password changes.",
                        rootCause: "Mobile mail clients retry with the old password and trip the lockout threshold.",
                        workaround: "Remove the account from old devices; unlock.", fix: "Move mobile mail to modern authentication with tokens."),
        ProblemTemplate(service: "Data Warehouse", template: 23, title: "ETL loads fail when the ERP extract arrives late",
                        description: "Nightly loads fail or load partial data a few times a month.",
                        rootCause: "The load starts on a fixed schedule rather than on the extract's completion marker.",
                        workaround: "Re-run the load manually from the complete extract.", fix: "Trigger the load on the completion marker."),
        ProblemTemplate(service: "Laptops & Desktops", template: 20, title: "Office add-in crashes after monthly update",
                        description: "Office applications crash on start on some laptops after the monthly update.",
                        rootCause: "A third-party add-in is incompatible with the current Office build.",
                        workaround: "Disable the add-in by policy for affected devices.", fix: "Deploy the vendor's updated add-in."),
        ProblemTemplate(service: "Backup", template: 24, title: "Backup snapshot timeouts on file servers",
                        description: "Backups of file servers fail with snapshot timeouts.",
                        rootCause: "VSS writers fail after the antivirus scan window overlaps the backup window.",
                        workaround: "Reset VSS writers and re-run the job.", fix: "Move the antivirus scan window."),
    ]
}
