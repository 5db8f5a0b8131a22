"""The core application behind CometBFT over ABCI 2.0 (socket protocol), and the localnet around it."""
