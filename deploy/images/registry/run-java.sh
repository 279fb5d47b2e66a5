#!/bin/sh
# The registry stand-in's start command: the runner jar with the official image's
# JAVA_OPTIONS (JAVA_OPTS is the same), then JAVA_OPTS_APPEND, which is where a heap size
# goes. Without one, half of the memory the container may use, as the official image's
# run-java.sh sizes it.
set -eu
heap=-XX:MaxRAMPercentage=50
case "${JAVA_OPTIONS:-} ${JAVA_OPTS:-} ${JAVA_OPTS_APPEND:-}" in
*-Xmx*) heap= ;;
esac
# shellcheck disable=SC2086 # option lists, split on purpose
exec java $heap ${JAVA_OPTIONS:-${JAVA_OPTS:-}} ${JAVA_OPTS_APPEND:-} -jar "$JAVA_APP_JAR"
