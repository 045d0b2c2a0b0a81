"""What a rule is: the base class rules derive from, and the examples they carry."""
