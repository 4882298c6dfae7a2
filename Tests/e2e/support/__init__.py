"""Test infrastructure for the import / instance / supervision end-to-end tests.

Each module works on its own, without a daemon; `python -m support.selfcheck`
(from Tests/e2e, with the project venv) exercises all of them:

- npm_registry: a tiny npm registry on loopback publishing the SDK and example copies
- git_https:    a test CA, a TLS server in front of `git http-backend`, repo fixtures
- http_files:   a plain HTTP static file server (remote .tgz/.zip sources, 404s)
- packages:     copies of examples/fixtures with the SDK dependency pinned, archives
- grpc_client:  unary calls with messages built from a FileDescriptorSet, health checks
- processes:    /proc scanning for instance processes, samplers, polling helpers
- helpers:      CLI/admin-API wrappers, data-dir paths and modes, "nothing committed"
- fixtures:     pytest fixtures wiring all of the above to a daemon
"""
