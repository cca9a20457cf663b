# The two commands of the README. Both install what they need first (the pinned Node.js 24 LTS, npm
# packages, the pinned Temporal CLI and test server, MinIO, Debian packages for the tests).
.PHONY: up test install tools system-deps web clean

# Everything below runs on the pinned Node in .tools/node, not on the machine's own.
export PATH := $(CURDIR)/.tools/node/bin:$(PATH)
NODE := .tools/node/.version

# make up needs only the Temporal binaries (MinIO is for the tests and the S3 profile).
up: node_modules/.package-lock.json web
	scripts/install-tools.sh temporal
	npx tsx scripts/up.ts

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

# The dashboard's built assets, served by the API.
web: node_modules/.package-lock.json
	npm run build:web

clean:
	rm -rf dist test-output
