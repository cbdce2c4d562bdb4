"""A node's helpers: the follower that applies other nodes' writes to this node's index, and
what a server runs beside itself (the compactor, the follower)."""
