# The commands of the README. All install what they need first (the pinned Node.js 24 LTS, npm
# packages, the pinned Temporal CLI and test server, MinIO, Debian packages for the tests).
.PHONY: up test install tools system-deps web clean up-cluster down-cluster test-cluster compose-config bench-% bench-cluster

# Everything below runs on the pinned Node in .tools/node, not on the machine's own.
export PATH := $(CURDIR)/.tools/node/bin:$(PATH)
NODE := .tools/node/.version

# make up needs only the Temporal binaries (MinIO is for the tests and the S3 profile).
up: node_modules/.package-lock.json web
	scripts/install-tools.sh temporal
	npx tsx scripts/up.ts

# The production profile on this machine (docs/operations.md): PostgreSQL, Temporal server, its UI,
# MinIO, two workers and the API, in the background under ./data/cluster; stopped by down-cluster.
up-cluster: node_modules/.package-lock.json web
	scripts/cluster/up.sh

down-cluster:
	scripts/cluster/down.sh

# The suite on a cluster of its own (data/cluster-test, ports 27xxx), started and stopped by it.
test-cluster: node_modules/.package-lock.json system-deps compose-config
	scripts/cluster/install.sh
	npx vitest run -c vitest.cluster.config.ts --reporter=default --reporter=json --outputFile.json=test-output/vitest-cluster.json
	node scripts/test-summary.mjs test-output/vitest-cluster.json

# temporal-docker/ describes the same topology; checked where a docker client with compose exists.
compose-config:
	@if command -v docker >/dev/null && docker compose version >/dev/null 2>&1; then \
	  docker compose -f temporal-docker/docker-compose.yml config --quiet && echo "temporal-docker: docker compose config ok"; \
	else echo "temporal-docker: no docker compose client, check skipped"; fi

test: install system-deps web
	node --version
	npx tsc --noEmit -p tsconfig.json
	npm run lint
	npx vitest run --reporter=default --reporter=json --outputFile.json=test-output/vitest.json
	node scripts/test-summary.mjs test-output/vitest.json

install: node_modules/.package-lock.json tools

# Made once; `make tools` (part of install) brings it to the version the script pins.
$(NODE):
	scripts/install-tools.sh node

node_modules/.package-lock.json: package.json package-lock.json $(NODE)
	npm ci --no-audit --no-fund

tools:
	scripts/install-tools.sh

system-deps:
	scripts/install-system-deps.sh

# A benchmark on a fresh machine: `make bench-packaging` installs what `npm run bench:packaging` needs
# (Node, npm packages, Temporal, MinIO, the Debian baselines such as img2pdf), then runs it.
bench-%: install web
	scripts/install-system-deps.sh bench
	npm run bench:$*

# bench:cluster runs on the cluster profile too: PostgreSQL and the Temporal server built from Go.
bench-cluster: install
	scripts/install-system-deps.sh bench
	scripts/cluster/install.sh
	npm run bench:cluster

# The dashboard's built assets, served by the API.
web: node_modules/.package-lock.json
	npm run build:web

clean:
	rm -rf dist test-output
