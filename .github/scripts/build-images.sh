#!/usr/bin/env bash
# Builds the image of every service the repository tracks: each tracked file named Dockerfile, with its own
# folder as the build context, as the program builds it (components/registry.ts). For linux/arm64 by default,
# the architecture both stacks run, natively on an arm64 runner. Pushes nothing and needs no credentials, so
# pull requests from forks run it too: a broken Dockerfile or lockfile fails the pull request, not the deploy.
#
#   build-images.sh            (from the repository root)
#
# Environment: BUILD_PLATFORM (default linux/arm64). Builds every image before failing, naming each failure.
set -euo pipefail

platform="${BUILD_PLATFORM:-linux/arm64}"
mapfile -d '' dockerfiles < <(git ls-files -z -- ':(glob)**/Dockerfile')
if [ "${#dockerfiles[@]}" -eq 0 ]; then
  echo "build-images: the repository tracks no Dockerfile" >&2
  exit 1
fi

failed=()
for dockerfile in "${dockerfiles[@]}"; do
  context=$(dirname "$dockerfile")
  echo "::group::docker build --platform $platform --file $dockerfile $context"
  if docker build --platform "$platform" --file "$dockerfile" "$context"; then
    echo "::endgroup::"
    echo "built $dockerfile for $platform"
  else
    echo "::endgroup::"
    echo "::error file=$dockerfile::the image of $context does not build for $platform"
    failed+=("$dockerfile")
  fi
done

if [ "${#failed[@]}" -gt 0 ]; then
  echo "build-images: ${#failed[@]} of ${#dockerfiles[@]} images failed: ${failed[*]}" >&2
  exit 1
fi
echo "build-images: all ${#dockerfiles[@]} images built for $platform"
