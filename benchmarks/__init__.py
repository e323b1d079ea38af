"""Speed and memory proofs that print their figures (`make bench`, `make bench-views`...)."""
