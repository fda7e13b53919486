"""Writes TensorBoard's own proto definitions (the tensorboard pip package's compiled event, summary, tensor,
tensor_shape, types, resource_handle and histogram .proto files) to stdout as a serialized FileDescriptorSet.
scripts/tfevents/proto.mjs turns it into src/tfevents/proto/tensorboard.json. Needs `pip install tensorboard`."""
import sys

from google.protobuf import descriptor_pb2
from tensorboard.compat.proto import (
    event_pb2,
    histogram_pb2,
    resource_handle_pb2,
    summary_pb2,
    tensor_pb2,
    tensor_shape_pb2,
    types_pb2,
)

files = descriptor_pb2.FileDescriptorSet()
# dependencies first, as protoc orders a set
for module in [types_pb2, tensor_shape_pb2, resource_handle_pb2, tensor_pb2, histogram_pb2, summary_pb2, event_pb2]:
    module.DESCRIPTOR.CopyToProto(files.file.add())
sys.stdout.buffer.write(files.SerializeToString())
