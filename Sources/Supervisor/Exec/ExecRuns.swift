/// Protocol `exec`: the plugin processes running now, by run id. The id travels in an
/// event token's 24 bits, so ids wrap, skipping any still in use.
struct ExecRuns {
    private var byID: [Int: ExecRun] = [:]
    private var lastID = 0

    var count: Int { byID.count }

    /// Every run, in no order.
    var all: some Collection<ExecRun> { byID.values }

    subscript(id: Int) -> ExecRun? { byID[id] }

    /// An id for the next run.
    mutating func nextID() -> Int {
        repeat { lastID = lastID % 0xFF_FFFF + 1 } while byID[lastID] != nil
        return lastID
    }

    mutating func add(_ run: ExecRun) {
        byID[run.id] = run
    }

    mutating func remove(_ run: ExecRun) {
        byID[run.id] = nil
    }

    mutating func removeAll() {
        byID.removeAll()
    }
}
