// What every fuzz target's entry point calls. SwiftPM (tools version 5.5 and later) links an executable target
// with `--defsym main=<Target>_main` so that tests can import it, and `-parse-as-library` (needed so that
// libFuzzer's driver, not top-level code, runs) leaves that symbol undefined:
// https://github.com/swiftlang/swift-package-manager/issues/8731. Each target therefore defines `<Target>_main`
// (a name only it can know) as a call to `runFuzzer`, which starts libFuzzer's driver as libFuzzer's own `main`
// does; that makes the link work with tools version 6.1.

@_silgen_name("LLVMFuzzerRunDriver")
func LLVMFuzzerRunDriver(
    _ argc: UnsafeMutablePointer<CInt>, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>,
    _ testOneInput: @convention(c) (UnsafePointer<UInt8>, Int) -> CInt
) -> CInt

/// Runs libFuzzer's driver with the program's arguments on `testOneInput`; returns its exit status.
public func runFuzzer(
    _ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?,
    _ testOneInput: @convention(c) (UnsafePointer<UInt8>, Int) -> CInt
) -> CInt {
    var argc = argc
    var argv = argv
    return LLVMFuzzerRunDriver(&argc, &argv, testOneInput)
}
