/// A problem with a COCO instances file (ground truth: images, categories, annotations): which file, which record,
/// and what.
public struct COCOInstancesError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The file.
    public var source: String
    /// The record at fault, e.g. `annotations[12] (line 40)`, when the problem is in one.
    public var record: String?
    /// What is wrong.
    public var message: String

    /// A problem with `source`, optionally in one record.
    public init(source: String, record: String? = nil, message: String) {
        self.source = source
        self.record = record
        self.message = message
    }

    /// `file: record: message`.
    public var description: String {
        [source, record, message].compactMap { $0 }.joined(separator: ": ")
    }
}
