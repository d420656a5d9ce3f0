/// A table of figures for the terminal (aligned columns, the first left-aligned) or for a
/// Markdown document, as `make bench` and `make chaos` print them.
package enum ReportTable {
    package static func render(_ header: [String], _ rows: [[String]], markdown: Bool) -> String {
        if markdown {
            let line = { (cells: [String]) in "| " + cells.joined(separator: " | ") + " |" }
            return ([line(header), line(header.indices.map { $0 == 0 ? "---" : "---:" })] + rows.map(line)).joined(separator: "\n")
        }
        let widths = header.indices.map { column in ([header] + rows).map { $0[column].count }.max()! }
        let line = { (cells: [String]) in
            cells.enumerated().map { column, cell in
                let padding = String(repeating: " ", count: widths[column] - cell.count)
                return column == 0 ? cell + padding : padding + cell
            }.joined(separator: "  ")
        }
        return ([line(header), String(repeating: "-", count: widths.reduce(0, +) + 2 * (widths.count - 1))] + rows.map(line))
            .joined(separator: "\n")
    }
}
