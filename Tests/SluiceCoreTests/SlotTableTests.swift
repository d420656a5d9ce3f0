import Testing

@testable import SluiceCore

/// The slots behind the message table: slots are reused last freed first, values are
/// changed in place and survive growth, and every value is released exactly once (by
/// remove, removeAll or the table's end), none leaked and none twice.
@Suite(.serialized) struct SlotTableTests {
    /// Counts its live instances, so a leak or a double release shows.
    final class Tracked {
        static let live = Counter()
        let id: Int
        init(_ id: Int) {
            self.id = id
            Self.live.value += 1
        }
        deinit { Self.live.value -= 1 }
    }

    final class Counter: @unchecked Sendable { var value = 0 }

    struct Entry {
        let tracked: Tracked
        var note = 0
    }

    @Test func slotsAreReusedAndValuesChangeInPlace() {
        let table = SlotTable<Entry>(capacity: 2)
        let a = table.insert(Entry(tracked: Tracked(1)))
        let b = table.insert(Entry(tracked: Tracked(2)))
        #expect((a, b) == (0, 1) && table.count == 2)
        table[b].note = 7
        #expect(table[b].note == 7 && table[a].note == 0)
        #expect(table.remove(a).tracked.id == 1)
        #expect(!table.contains(a) && table.contains(b) && !table.contains(-1) && !table.contains(99))
        #expect(table.insert(Entry(tracked: Tracked(3))) == a)  // the freed slot again
        #expect(table[a].tracked.id == 3 && table.count == 2)
    }

    @Test func growingKeepsEveryValueAndReleasesEachOnce() {
        let before = Tracked.live.value
        do {
            let table = SlotTable<Entry>(capacity: 1)
            var slots: [Int] = []
            for id in 0..<100 { slots.append(table.insert(Entry(tracked: Tracked(id), note: id))) }
            // Holes before growing further: only occupied slots are moved.
            for slot in slots where slot % 3 == 0 { _ = table.remove(slot) }
            for id in 100..<300 { slots.append(table.insert(Entry(tracked: Tracked(id), note: id))) }
            #expect(table.count == 300 - 34)
            #expect(Tracked.live.value == before + 300 - 34)
            for slot in 0..<400 where table.contains(slot) { #expect(table[slot].note == table[slot].tracked.id) }
            let all = table.removeAll()
            #expect(all.count == 266 && table.count == 0 && !table.contains(1))
            #expect(Set(all.map(\.tracked.id)).count == 266)
            // Its slots live on, each a generation on: a late token for a value removed here
            // is still told apart.
            let reused = table.insert(Entry(tracked: Tracked(0)))
            #expect(reused == 265 && table.generation(of: reused) == 1)
        }
        // The table's end released the one value it still held; removeAll's went with `all`.
        #expect(Tracked.live.value == before)
    }
}
