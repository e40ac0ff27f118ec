import DetectKit

// This is Examples/DecodeExample/main.swift: `swift run decode-example IMAGE OUTPUT.npy OUT_DIR` runs it.
// An exported YOLOv8 model (Core ML, ONNX Runtime, …) takes the image letterboxed as Ultralytics does it:
let arguments = CommandLine.arguments
let (imageFile, outputFile, folder) = (arguments[1], arguments[2], arguments[3])
let image = try Image(contentsOfFile: imageFile)
let letterbox = try Letterbox(
    sourceWidth: image.width, sourceHeight: image.height, targetWidth: 160, targetHeight: 160, geometry: .ultralytics)
let input = try letterbox.apply(to: image, fill: 114)      // HWC RGB bytes: divide by 255, make it CHW, run the model

// The model's output ([1, 84, N] here, read from a .npy file; from your runtime, RawTensor(shape:buffer:)):
let output = RawTensor(try NumPyArrayFile.read(contentsOf: outputFile), source: outputFile)
var settings = RawOutputFormat.Settings(
    inputWidth: input.width, inputHeight: input.height, imageWidth: image.width, imageHeight: image.height)
let asUltralytics = try RawOutputFormat.yolov8.decode(["output": output], settings: settings)  // its own NMS, exactly

// Or any DetectKit method instead of its NMS, then COCO category ids, and the boxes drawn:
settings.suppression = .method(SoftNMS.gaussian(sigma: 0.5), SuppressionOptions(scoreThreshold: 0.25))
let soft = try CategoryMap.coco80.apply(to: RawOutputFormat.yolov8.decode(["output": output], settings: settings), source: outputFile)
let annotations = (0..<soft.count).map { Annotation(box: soft.boxes[$0], label: "\(soft.categories[$0])", colorIndex: soft.categories[$0]) }
try image.drawing(annotations).write(toFile: "\(folder)/decoded.png")
print(asUltralytics.count, soft.count)
