// DetectKit: the umbrella module. `import DetectKit` brings in every public module of the package.
@_exported import Boxes
@_exported import CLIP
@_exported import COCO
@_exported import Decoding
@_exported import Detector
@_exported import Evaluation
@_exported import Imaging
@_exported import NeuralCore
@_exported import Suppression
