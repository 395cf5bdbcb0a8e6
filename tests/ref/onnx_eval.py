#!/usr/bin/python3
"""Independent check of an ONNX file written by src/compile/onnx_writer: onnx.checker.check_model
(full_check, with shape inference) must pass, then OpenCV's dnn module (cv2.dnn.readNetFromONNX, its own
ONNX importer and float kernels) runs it on every input.
Usage: onnx_eval.py MODEL.onnx INPUTS.f32 OUTDIR; INPUTS.f32 holds raw float32 inputs one after another
(shape taken from the model's input). Writes OUTDIR/onnx_eval.json: {"checker", "opset", "ops", "outputs"}."""
import json, sys
import numpy as np
import onnx
import cv2

model_path, inputs_path, outdir = sys.argv[1:4]
model = onnx.load(model_path)
onnx.checker.check_model(model, full_check=True)  # raises on an invalid model: the test sees a non-zero exit
inferred = onnx.shape_inference.infer_shapes(model, strict_mode=True)
shape = [d.dim_value for d in model.graph.input[0].type.tensor_type.shape.dim]
out_shape = [d.dim_value for d in inferred.graph.output[0].type.tensor_type.shape.dim]
x = np.fromfile(inputs_path, dtype=np.float32).reshape([-1] + shape[1:])
net = cv2.dnn.readNetFromONNX(model_path)
net.setPreferableBackend(cv2.dnn.DNN_BACKEND_OPENCV)
net.setPreferableTarget(cv2.dnn.DNN_TARGET_CPU)
outputs = []
for row in x:
    net.setInput(np.ascontiguousarray(row[None]))
    y = net.forward()
    outputs.append([float(v) for v in np.asarray(y, dtype=np.float32).ravel()])
json.dump({"checker": "ok", "opset": model.opset_import[0].version, "output_shape": out_shape,
           "ops": sorted({n.op_type for n in model.graph.node}), "outputs": outputs},
          open(f"{outdir}/onnx_eval.json", "w"))
