import Foundation
import Testing
@testable import ITSM

private let day: TimeInterval = 86_400
private let boss = Agent(user: "mia", displayName: "Mia", roles: [.agent, .manager])

/// A series built through the ordinary commands: `values[i]` sampled `i` days after `start`.
private func series(_ key: MetricKey, start: Date = DomainII.t("2026-03-01"), values: [Double], step: TimeInterval = day,
                    warning: Double? = nil, critical: Double? = nil, into book: inout CapacityBook) throws {
    let now = DomainII.t("2026-12-31")
    for (i, v) in values.enumerated() {
        for e in try decideCapacity(.recordSample(key, at: start.addingTimeInterval(Double(i) * step), value: v), in: book, by: DomainII.implementer, at: now) { book.apply(e) }
    }
    if warning != nil || critical != nil {
        for e in try decideCapacity(.setThresholds(key, warning: warning, critical: critical), in: book, by: boss, at: now) { book.apply(e) }
    }
}

struct CapacityForecastTests {
    typealias K = DomainII
    let cpu = MetricKey(ci: "db-01", metric: .cpu)

    @Test func straightLineCrossesOnTheHandWorkedDay() throws {
        // 50, 52, 54, 56, 58 on 1–5 March: +2 per day from 50. 50 + 2d = 80 → d = 15 → 16 March.
        var book = CapacityBook()
        try series(cpu, values: [50, 52, 54, 56, 58], warning: 70, critical: 80, into: &book)
        let f = forecast(book[cpu]!, at: K.t("2026-03-05 12:00"), window: 10 * day, horizon: 30 * day)!
        #expect(f.crossing == .at(K.t("2026-03-16")))
        #expect(f.confidence == .good)
        #expect(f.isCritical && f.threshold == 80)
        #expect(abs(f.trend!.slope * day - 2) < 1e-9)
    }

    @Test func scatteredSamplesGiveTheLeastSquaresDateWithAPoorFitNote() throws {
        // 50, 60, 48, 62, 52 at x = 0…4 days. x̄ = 2, ȳ = 54.4.
        // Σ(x−x̄)(y−ȳ) = (−2)(−4.4) + (−1)(5.6) + 0 + (1)(7.6) + (2)(−2.4) = 6.0; Σ(x−x̄)² = 10.
        // slope = 0.6/day; intercept = 54.4 − 0.6·2 = 53.2.
        // SStot = 4.4² + 5.6² + 6.4² + 7.6² + 2.4² = 155.2; R² = 0.6·6.0 / 155.2 = 0.0232.
        // 53.2 + 0.6d = 80 → d = 44⅔ days = 44 d 16 h after 1 March → 14 April 16:00.
        var book = CapacityBook()
        try series(cpu, values: [50, 60, 48, 62, 52], critical: 80, into: &book)
        let f = forecast(book[cpu]!, at: K.t("2026-03-05 12:00"), window: 10 * day, horizon: 60 * day)!
        guard case let .at(date) = f.crossing else { Issue.record("expected a crossing date, got \(f.crossing)"); return }
        #expect(abs(date.timeIntervalSince(K.t("2026-04-14 16:00"))) < 1)
        guard case let .poorFit(q) = f.confidence else { Issue.record("expected a poor fit"); return }
        #expect(abs(q - 3.6 / 155.2) < 1e-9)
        #expect(f.confidence.description.hasPrefix("poor fit (R² 0.02)"))
    }

    @Test func holtFollowsAnAcceleratingSeries() {
        // α = β = 0.5 on 10, 20, 40 (daily from 1 March): l₀ = 10, b₀ = 10.
        // y=20: l = .5·20 + .5·(10+10) = 20, b = .5·(20−10) + .5·10 = 10.
        // y=40: l = .5·40 + .5·(20+10) = 35, b = .5·(35−20) + .5·10 = 12.5.
        // 35 + 12.5h = 60 → h = 2 days after 3 March → 5 March.
        let s = [10.0, 20, 40].enumerated().map { CapacitySample(at: DomainII.t("2026-03-01").addingTimeInterval(Double($0) * day), value: $1) }
        let line = holtTrend(s, alpha: 0.5, beta: 0.5)!
        #expect(line.intercept == 35)
        #expect(line.slope * day == 12.5)
        #expect(line.crossing(60) == DomainII.t("2026-03-05"))
        // Least squares on the same points: slope 15/day, intercept 23⅓ − 15 = 8⅓;
        // 8⅓ + 15d = 60 → d = 3.444… days = 3 d 10 h 40 min → 4 March 10:40.
        #expect(abs(leastSquaresTrend(s)!.crossing(60)!.timeIntervalSince(DomainII.t("2026-03-04 10:40"))) < 1)
    }

    @Test func holtSmoothsLevelAndTrendWithTheirOwnFactors() {
        // α = 0.5, β = 0.2 on 10, 20, 40: l₀ = 10, b₀ = 10.
        // y=20: l = .5·20 + .5·(10+10) = 20, b = .2·(20−10) + .8·10 = 10.
        // y=40: l = .5·40 + .5·(20+10) = 35, b = .2·(35−20) + .8·10 = 11.
        // 35 + 11h = 60 → h = 25/11 days after 3 March.
        let s = [10.0, 20, 40].enumerated().map { CapacitySample(at: DomainII.t("2026-03-01").addingTimeInterval(Double($0) * day), value: $1) }
        let line = holtTrend(s, alpha: 0.5, beta: 0.2)!
        #expect(line.intercept == 35)
        #expect(abs(line.slope * day - 11) < 1e-9)
        #expect(abs(line.crossing(60)!.timeIntervalSince(DomainII.t("2026-03-03").addingTimeInterval(25.0 / 11 * day))) < 1e-3)
    }

    @Test func holtOnAStraightLineMatchesIt() throws {
        // 10, 20, 30, 40, 50 daily: the smoothing never departs from the line (l = y, b = 10).
        // 50 + 10h = 85 → h = 3.5 days after 5 March → 8 March 12:00.
        var book = CapacityBook()
        try series(cpu, values: [10, 20, 30, 40, 50], critical: 85, into: &book)
        let f = forecast(book[cpu]!, at: K.t("2026-03-05"), window: 10 * day, horizon: 30 * day, method: .holt(alpha: 0.5, beta: 0.5))!
        #expect(f.crossing == .at(K.t("2026-03-08 12:00")))
        #expect(f.confidence == .good)
    }

    @Test func flatFallingOverAndSparseSeriesAreSaidSo() throws {
        var book = CapacityBook()
        let now = K.t("2026-03-05 12:00")
        try series(cpu, values: [70, 65, 60, 55, 50], critical: 80, into: &book)
        #expect(forecast(book[cpu]!, at: now, window: 10 * day, horizon: 30 * day)!.crossing == .notRising)
        let mem = MetricKey(ci: "db-01", metric: .memory)
        try series(mem, values: [70, 75, 79, 85, 81], critical: 80, into: &book)
        #expect(forecast(book[mem]!, at: now, window: 10 * day, horizon: 30 * day)!.crossing == .alreadyOver)
        let disk = MetricKey(ci: "db-01", metric: .disk)
        try series(disk, values: [10, 11], critical: 80, into: &book)
        let sparse = forecast(book[disk]!, at: now, window: 10 * day, horizon: 30 * day)!
        #expect(sparse.confidence == .tooFewSamples(2))
        // 10 + d = 80 → 70 days after 1 March = 10 May: past a 30-day horizon.
        #expect(sparse.crossing == .beyondHorizon(K.t("2026-05-10")))
        // Only the window counts: 02:24–12:00 on the 5th holds no sample (the 5th's is at 00:00).
        #expect(forecast(book[cpu]!, at: K.t("2026-03-05 12:00"), window: 0.4 * day, horizon: day)!.crossing == .unknown)
    }

    @Test func capacityPlanOrdersByTimeToThreshold() throws {
        var book = CapacityBook()
        try series(MetricKey(ci: "a", metric: .cpu), values: [50, 52, 54, 56, 58], critical: 80, into: &book)        // 16 Mar
        try series(MetricKey(ci: "b", metric: .cpu), values: [70, 75, 79, 85, 81], critical: 80, into: &book)        // over
        try series(MetricKey(ci: "c", metric: .cpu), values: [50, 53, 56, 59, 62], critical: 80, into: &book)        // 50 + 3d = 80 → d = 10 → 11 Mar
        try series(MetricKey(ci: "d", metric: .cpu), values: [50, 49, 48, 47, 46], critical: 80, into: &book)        // not rising
        try series(MetricKey(ci: "e", metric: .cpu), values: [50, 52, 54, 56, 58], into: &book)                      // no threshold
        let plan = capacityPlan(book, at: K.t("2026-03-05 12:00"), window: 10 * day, horizon: 60 * day)
        #expect(plan.map(\.key.ci) == ["b", "c", "a", "d"])
        #expect(plan[1].crossing == .at(K.t("2026-03-11")))
        #expect(plan[2].crossing == .at(K.t("2026-03-16")))
    }
}

struct CapacitySummaryTests {
    typealias K = DomainII
    let key = MetricKey(ci: "srv", metric: .cpu)

    @Test func summaryOfOneToTwentyUsesNearestRankP95() throws {
        // 1…20 recorded in a shuffled order: min 1, mean 10.5, p95 rank ⌈0.95·20⌉ = 19 → 19, max 20.
        var book = CapacityBook()
        var rng = K.SplitMix64(seed: 5)
        for v in (1...20).shuffled(using: &rng) {
            let at = K.t("2026-03-01").addingTimeInterval(Double(v) * 60)
            for e in try decideCapacity(.recordSample(key, at: at, value: Double(v)), in: book, by: K.implementer, at: K.now) { book.apply(e) }
        }
        #expect(book[key]!.samples.map(\.value) == (1...20).map(Double.init))
        let s = summarise(book[key]!, over: K.window("2026-03-01", "2026-03-02"))
        #expect(s == UtilisationSummary(count: 20, min: 1, mean: 10.5, p95: 19, max: 20))
        #expect(summarise(book[key]!, over: K.window("2026-04-01", "2026-04-02")) == nil)
        // The first ten minutes hold 1…10: rank ⌈0.95·10⌉ = ⌈9.5⌉ = 10 → p95 is 10, mean 5.5.
        #expect(summarise(book[key]!, over: K.window("2026-03-01 00:00", "2026-03-01 00:10"))
                == UtilisationSummary(count: 10, min: 1, mean: 5.5, p95: 10, max: 10))
    }

    @Test func downsampleAveragesEachSlice() throws {
        // 4 h in 4 slices: 00:00 → 10 and 00:30 → 20 share slice 0 (mean 15); 01:00 opens
        // slice 1 (30); slice 2 is empty; 03:59 → 40 and 04:00 (the window's end) → 50 share
        // the last slice (mean 45).
        var book = CapacityBook()
        for (time, v) in [("00:00", 10.0), ("00:30", 20), ("01:00", 30), ("03:59", 40), ("04:00", 50)] {
            for e in try decideCapacity(.recordSample(key, at: K.t("2026-03-01 " + time), value: v), in: book, by: K.implementer, at: K.now) { book.apply(e) }
        }
        #expect(downsample(book[key]!, over: K.window("2026-03-01 00:00", "2026-03-01 04:00"), buckets: 4) == [15, 30, nil, 45])
        #expect(downsample(book[key]!, over: K.window("2026-03-01 00:00", "2026-03-01 04:00"), buckets: 0) == [])
    }

    @Test func leastSquaresRecoversRandomExactLines() {
        // Property: on samples lying exactly on a line, the fit returns that line with R² = 1.
        var rng = K.SplitMix64(seed: 77)
        for _ in 0..<200 {
            let a = Double.random(in: 0...50, using: &rng), b = Double.random(in: -5...5, using: &rng)
            let times = (0..<Int.random(in: 2...30, using: &rng)).map { _ in Double.random(in: 0...(30 * 86_400), using: &rng) }.sorted()
            guard Set(times).count > 1 else { continue }
            let origin = K.t("2026-03-01")
            let s = times.map { CapacitySample(at: origin.addingTimeInterval($0), value: a + b * $0 / 86_400) }
            let line = leastSquaresTrend(s)!
            #expect(abs(line.value(at: origin) - a) < 1e-6)
            #expect(abs(line.slope * 86_400 - b) < 1e-9)
            #expect(b == 0 || abs(line.fitQuality - 1) < 1e-9)
        }
    }

    @Test(arguments: [(69.9, CapacityLevel.normal), (70, .warning), (89.9, .warning), (90, .critical), (100, .critical)])
    func levelAgainstThresholds(value: Double, level: CapacityLevel) throws {
        var book = CapacityBook()
        try series(key, values: [value], warning: 70, critical: 90, into: &book)
        #expect(book[key]!.level(of: value) == level)
        #expect(book[key]!.latestLevel == level)
    }

    @Test func commandsAreValidated() {
        let book = CapacityBook()
        #expect(throws: Refusal.invalid(field: "value", reason: "cpu % is a percentage: between 0 and 100")) {
            _ = try decideCapacity(.recordSample(key, at: K.now, value: 120), in: book, by: K.implementer, at: K.now)
        }
        #expect(throws: Refusal.self) {
            _ = try decideCapacity(.recordSample(key, at: K.now.addingTimeInterval(60), value: 1), in: book, by: K.implementer, at: K.now)
        }
        #expect(throws: Refusal.needsRole(.manager, toDo: "setting capacity thresholds")) {
            _ = try decideCapacity(.setThresholds(key, warning: 70, critical: 90), in: book, by: K.implementer, at: K.now)
        }
        #expect(throws: Refusal.invalid(field: "warning", reason: "the warning threshold must be below the critical one")) {
            _ = try decideCapacity(.setThresholds(key, warning: 95, critical: 90), in: book, by: boss, at: K.now)
        }
        // Any named metric is allowed; only percentages are bounded above.
        #expect((try? decideCapacity(.recordSample(MetricKey(ci: "sw", metric: CapacityMetric(rawValue: "queue depth")), at: K.now, value: 4000),
                                     in: book, by: K.implementer, at: K.now)) != nil)
    }

    @Test func foldIgnoresMalformedKeysAndValues() {
        var book = CapacityBook()
        book.apply(Event(record: RecordID(kind: .capacitySeries, key: "no-slash"), action: .capacitySample, actor: "x", at: K.now, baseVersion: 0,
                         changes: [FieldChange("value", to: .number(1))]))
        book.apply(Event(record: key.recordID, action: .capacitySample, actor: "x", at: K.now, baseVersion: 0,
                         changes: [FieldChange("value", to: .text("lots"))]))
        #expect(book.series.count == 1)
        #expect(book[key]!.samples.isEmpty && book[key]!.version == 1)
    }
}
