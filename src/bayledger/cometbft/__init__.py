"""CometBFT integration pieces shared by the node and the SDK: protobuf types, framing, RPC, light client."""
