"""HTTP views of the union domain: thin wrappers that parse, authorize, call one
service, commit and respond."""
