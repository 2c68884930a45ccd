import Foundation
import NewsIO

extension ToneModel {
    /// The shipped tone model (`Resources/tone/model.bin`, see its NOTICE), loaded once per process.
    public static func loadDefault() throws -> ToneModel { try cachedDefault.get() }

    private static let cachedDefault: Result<ToneModel, FileError> = {
        do {
            let url = try EntityResources.url("tone/model.bin")
            do { return .success(try ToneModel.load(from: url)) } catch {
                return .failure(.io(path: url.path, reason: "not a tone model (train one with `newspipe tone train`): \(error)"))
            }
        } catch let error as FileError {
            return .failure(error)
        } catch {
            return .failure(.io(path: "Resources/tone/model.bin", reason: error.localizedDescription))
        }
    }()
}
