import Boxes
import Testing

@Suite struct BoxFormatTests {
    @Test func xywhRoundTrip() {
        let b = Box(x1: 10, y1: 20, x2: 40, y2: 60)
        #expect(BoxXYWH(b) == BoxXYWH(x: 10, y: 20, w: 30, h: 40))
        #expect(Box(BoxXYWH(b)) == b)
    }

    @Test func centreFormRoundTrip() {
        let b = Box(x1: 10, y1: 20, x2: 40, y2: 60)
        #expect(BoxCXCYWH(b) == BoxCXCYWH(cx: 25, cy: 40, w: 30, h: 40))
        #expect(Box(BoxCXCYWH(b)) == b)
    }

    @Test func areaUnderBothConventions() {
        let b = Box(x1: 0, y1: 0, x2: 9, y2: 4)
        #expect(b.area() == 36)
        #expect(b.area(.pixelInclusive) == 50)
    }

    @Test func boxArrayStoresColumns() {
        var a = BoxArray([Box(x1: 1, y1: 2, x2: 3, y2: 4), Box(x1: 5, y1: 6, x2: 7, y2: 8)])
        #expect(a.x1 == [1, 5] && a.y2 == [4, 8])
        a[1] = Box(x1: 0, y1: 0, x2: 1, y2: 1)
        #expect(a[1] == Box(x1: 0, y1: 0, x2: 1, y2: 1))
        #expect(a.gathering([1, 0]).x1 == [0, 1])
    }
}
