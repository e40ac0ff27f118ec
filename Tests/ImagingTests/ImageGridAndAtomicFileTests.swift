import Foundation
import Imaging
import Testing

/// Image grids (the compare report's side-by-side view) and atomic file writes.
@Suite struct ImageGridAndAtomicFileTests {
    @Test func tilesLandInTheirCellsUnderTheirCaptions() throws {
        let red = try Image(width: 10, height: 8, fill: [255, 0, 0])
        let gray = try Image(width: 6, height: 4, fill: [90])
        let grid = try ImageGrid(columns: 2, spacing: 3, captionHeight: 12).composed([
            .init(image: red, caption: "a"), .init(image: gray, caption: ""), .init(image: red, caption: "a long caption that is cut"),
        ])
        let band = 12 + 12 / 3, cellH = band + 8
        #expect(grid.channels == 3)
        #expect(grid.width == 3 + 2 * (10 + 3) && grid.height == 3 + 2 * (cellH + 3))
        #expect(Array(grid[x: 3, y: 3 + band]) == [255, 0, 0])  // first tile's top-left pixel
        #expect(Array(grid[x: 3 + 13, y: 3 + band]) == [90, 90, 90])  // gray shown as RGB
        #expect(Array(grid[x: 3 + 13 + 6, y: 3 + band]) == [255, 255, 255])  // right of the smaller tile: canvas
        #expect(Array(grid[x: 3 + 9, y: 3 + cellH + 3 + band + 7]) == [255, 0, 0])  // third tile, second row
        // Captions are ink on white above the tiles, clipped to the cell.
        let captionRow = (3..<(3 + band)).flatMap { y in (3..<13).map { x in grid[x: x, y: y].first! } }
        #expect(captionRow.min()! < 128)
        #expect(Array(grid[x: 3 + 10 + 1, y: 3 + cellH + 3 + 4]) == [255, 255, 255])
    }

    @Test func emptyGridIsABlankCanvas() throws {
        let grid = try ImageGrid(columns: 3, spacing: 4).composed([])
        #expect(grid.width == 8 && grid.height == 4 && Set(grid.pixels) == [255])
    }

    @Test func atomicWritesLeaveOnlyTheFile() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("detectkit-atomic-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let path = folder.appendingPathComponent("out.json").path
        try AtomicFile.write(Data("first".utf8), to: path)
        try AtomicFile.write(Data("second".utf8), to: path)
        #expect(try String(contentsOfFile: path, encoding: .utf8) == "second")
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path) == ["out.json"])
        // 0644 less the umask (read from /proc, where there is one, without changing it).
        let mode = try #require(FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int)
        if let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8),
            let line = status.split(separator: "\n").first(where: { $0.hasPrefix("Umask:") }),
            let mask = Int(line.dropFirst(6).trimmingCharacters(in: .whitespaces), radix: 8)
        {
            #expect(mode == 0o644 & ~mask)
        }
        // A folder in the way is an error that leaves the folder as it was.
        let taken = folder.appendingPathComponent("taken").path
        try FileManager.default.createDirectory(atPath: taken, withIntermediateDirectories: false)
        #expect(throws: AtomicFile.WriteError.self) { try AtomicFile.write(Data("x".utf8), to: taken) }
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path).sorted() == ["out.json", "taken"])
        let missing = folder.appendingPathComponent("no/such/folder/x.png").path
        #expect(throws: AtomicFile.WriteError.self) { try AtomicFile.write(Data(), to: missing) }
        do {
            try AtomicFile.write(Data(), to: missing)
        } catch {
            #expect("\(error)".contains(missing))
        }
    }
}
