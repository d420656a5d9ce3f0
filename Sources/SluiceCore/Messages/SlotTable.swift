/// Numbered slots holding values in memory of the table's own, reused through a free list
/// so a steady stream of inserts and removes allocates nothing. Each slot counts its
/// generation, bumped when it is freed, so a token naming a slot's earlier value is told
/// apart from one naming its value now. Values are read and changed
/// where they lie (addressors): an array of optionals yields a copy of the whole value on
/// each `table[slot].field`, retaining and releasing everything it holds.
package final class SlotTable<Element> {
    private var elements: UnsafeMutablePointer<Element>
    private var capacity: Int
    /// Which slots hold a value, one entry per slot handed out so far.
    private var occupied: [Bool] = []
    private var generations: [UInt32] = []
    private var free: [Int] = []
    package private(set) var count = 0

    package init(capacity: Int = 1024) {
        self.capacity = max(capacity, 1)
        elements = .allocate(capacity: self.capacity)
    }

    deinit {
        for slot in occupied.indices where occupied[slot] { (elements + slot).deinitialize(count: 1) }
        elements.deallocate()
    }

    /// Stores `element` in a free slot (the last freed first) and returns the slot.
    package func insert(_ element: Element) -> Int {
        let slot: Int
        if let reused = free.popLast() {
            slot = reused
        } else {
            if occupied.count == capacity { grow() }
            slot = occupied.count
            occupied.append(false)
            generations.append(0)
        }
        (elements + slot).initialize(to: element)
        occupied[slot] = true
        count += 1
        return slot
    }

    /// Moves the values to twice the room: only occupied slots hold initialized memory.
    private func grow() {
        let larger = UnsafeMutablePointer<Element>.allocate(capacity: capacity * 2)
        for slot in occupied.indices where occupied[slot] {
            (larger + slot).moveInitialize(from: elements + slot, count: 1)
        }
        elements.deallocate()
        elements = larger
        capacity *= 2
    }

    /// The value in `slot`, in place. An empty slot is a programming error and traps.
    package subscript(slot: Int) -> Element {
        unsafeAddress { UnsafePointer(address(of: slot)) }
        unsafeMutableAddress { address(of: slot) }
    }

    /// Where the value in `slot` lies, for a type that forwards its own addressors here
    /// (a `_read` coroutine in between made callers copy the whole value). Valid until the
    /// next insert.
    package func address(of slot: Int) -> UnsafeMutablePointer<Element> {
        precondition(contains(slot), "slot \(slot) holds nothing")
        return elements + slot
    }

    /// How often `slot` was freed so far: the generation of the value it holds now.
    package func generation(of slot: Int) -> UInt32 {
        generations[slot]
    }

    package func contains(_ slot: Int) -> Bool {
        slot >= 0 && slot < occupied.count && occupied[slot]
    }

    /// The first occupied slot, in slot order, whose value `condition` holds for.
    package func firstSlot(where condition: (Int, borrowing Element) -> Bool) -> Int? {
        for slot in occupied.indices where occupied[slot] && condition(slot, elements[slot]) { return slot }
        return nil
    }

    /// Frees a slot and returns its value.
    package func remove(_ slot: Int) -> Element {
        precondition(contains(slot), "slot \(slot) holds nothing")
        occupied[slot] = false
        generations[slot] &+= 1
        free.append(slot)
        count -= 1
        return (elements + slot).move()
    }

    /// Frees every slot and returns their values, in slot order.
    package func removeAll() -> [Element] {
        var all: [Element] = []
        all.reserveCapacity(count)
        for slot in occupied.indices where occupied[slot] {
            all.append((elements + slot).move())
            occupied[slot] = false
            generations[slot] &+= 1
            free.append(slot)
        }
        count = 0
        return all
    }
}
