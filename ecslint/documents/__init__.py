"""Files and stdin in, text parsed with positions, JSON pointers, and the shapes a document can have."""
