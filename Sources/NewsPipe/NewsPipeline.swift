import Foundation
import PipelineKit

/// The five stages of newspipe, in the order data flows through them.
public enum StageName: String, CaseIterable, Sendable, Comparable {
    case fetch, strip, dedup, entities, report

    /// The runner's name for the stage (its folder under `work/`).
    public var id: StageID { StageID(rawValue) }

    public static func < (a: StageName, b: StageName) -> Bool {
        allCases.firstIndex(of: a)! < allCases.firstIndex(of: b)!
    }
}

/// newspipe's pipeline: its stages made from one manifest.
public enum NewsPipeline {
    /// The stages in order, each given its settings from `manifest`. `plan` is the frozen input
    /// list of an array job (`newspipe plan`), if one applies.
    public static func stages(_ manifest: Manifest, plan: RunPlan? = nil) -> [any PipelineStage] {
        [
            FetchStage(manifest: manifest, plan: plan),
            StripStage(settings: manifest.strip, settingsFingerprint: manifest.fingerprint(of: .strip)),
            DedupStage(parameters: manifest.dedup, settingsFingerprint: manifest.fingerprint(of: .dedup), retention: manifest.retention),
            EntitiesStage(settings: manifest.entities, settingsFingerprint: manifest.fingerprint(of: .entities)),
            ReportStage(settings: manifest.report, settingsFingerprint: manifest.fingerprint(of: .report), manifestHash: manifest.hash),
        ]
    }
}
