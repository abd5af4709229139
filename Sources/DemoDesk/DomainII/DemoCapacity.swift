import Foundation
import ITSM

/// Hourly utilisation samples for the last 30 days on the demo's busiest CIs, with thresholds,
/// and one disk filling up: fs-hq-01 crosses its critical threshold about twelve days after now.
enum DemoCapacity {
    static let cis = ["esx-hq-01", "esx-hq-02", "esx-hq-03", "db-cluster-a", "db-cluster-b",
                      "fs-hq-01", "exch-mbx-01", "exch-mbx-02", "backup-01", "dc-01"]
    static let metrics: [CapacityMetric] = [.cpu, .memory, .disk]
    static let thresholds: [CapacityMetric: (warning: Double, critical: Double)] = [
        .cpu: (80, 95), .memory: (85, 95), .disk: (80, 90),
    ]
    /// The planted series: a file server's disk rising 0.6 points a day, at 83 % now.
    static let fillingDisk = MetricKey(ci: "fs-hq-01", metric: .disk)
    static let fillingRatePerDay = 0.6
    static let fillingLevelNow = 83.0
    static let days = 30

    /// One transaction of thresholds, then one of samples per CI (its three series together).
    static func commands(cast: DemoCast, now: Date, random rng: inout DemoRandom) -> [[DemoCommand]] {
        let manager = cast.manager(of: "Infrastructure")
        let collector = cast.admin
        let last = Date(timeIntervalSince1970: (now.timeIntervalSince1970 / DemoTime.hour).rounded(.down) * DemoTime.hour)
        let count = days * 24
        var out: [[DemoCommand]] = []
        out.append(cis.flatMap { ci in
            metrics.map { metric in
                let t = thresholds[metric]!
                return DemoCommand(actor: manager, at: now.addingTimeInterval(-31 * DemoTime.day), operation: .capacity(
                    .setThresholds(MetricKey(ci: ci, metric: metric), warning: t.warning, critical: t.critical)))
            }
        })
        for ci in cis {
            // Each series' shape, drawn once: a base level, a daily swing, a slow drift.
            var shapes: [(metric: CapacityMetric, base: Double, swing: Double, drift: Double, noise: Double)] = []
            for metric in metrics {
                switch metric {
                case .cpu: shapes.append((metric, 15 + 25 * rng.unit(), 5 + 15 * rng.unit(), 0, 4))
                case .memory: shapes.append((metric, 45 + 25 * rng.unit(), 2 * rng.unit(), 0.1 * rng.unit() - 0.05, 1.5))
                default:
                    let key = MetricKey(ci: ci, metric: metric)
                    if key == fillingDisk {
                        shapes.append((metric, fillingLevelNow - fillingRatePerDay * Double(days), 0, fillingRatePerDay, 0.5))
                    } else {
                        shapes.append((metric, 35 + 35 * rng.unit(), 0, 0.15 * rng.unit(), 0.3))
                    }
                }
            }
            var batch: [DemoCommand] = []
            batch.reserveCapacity(count * shapes.count)
            for k in 0..<count {
                let at = last.addingTimeInterval(-Double(count - 1 - k) * DemoTime.hour)
                let hourOfDay = (at.timeIntervalSince1970 / DemoTime.hour).truncatingRemainder(dividingBy: 24)
                let daily = sin((hourOfDay - 8) / 24 * 2 * .pi)   // peaks mid-afternoon
                let elapsedDays = Double(k) / 24
                for s in shapes {
                    let noise = (rng.unit() * 2 - 1) * s.noise
                    let value = min(100, max(0, s.base + s.swing * daily + s.drift * elapsedDays + noise))
                    batch.append(DemoCommand(actor: collector, at: at, operation: .capacity(
                        .recordSample(MetricKey(ci: ci, metric: s.metric), at: at, value: (value * 10).rounded() / 10))))
                }
            }
            out.append(batch)
        }
        return out
    }
}
