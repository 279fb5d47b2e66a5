#!/bin/sh
# kafka-run-class.sh CLASS [ARGS]: runs a Kafka tool class on the stand-in's jars, like
# the script of the same name in Kafka's distribution: heap from KAFKA_HEAP_OPTS (256 MB
# by default), JVM flags from KAFKA_JVM_PERFORMANCE_OPTS (Kafka's G1 defaults), plus
# KAFKA_OPTS; warnings to stderr.
# shellcheck disable=SC2086 # option lists, split on purpose
exec java ${KAFKA_HEAP_OPTS:--Xmx256M} \
  ${KAFKA_JVM_PERFORMANCE_OPTS:--XX:+UseG1GC -XX:MaxGCPauseMillis=20 -XX:InitiatingHeapOccupancyPercent=35 -XX:+ExplicitGCInvokesConcurrent -Djava.awt.headless=true} \
  ${KAFKA_OPTS:-} "-Dlog4j.configuration=file:/opt/kafka/defaults/tools-log4j.properties" \
  -cp '/opt/kafka/libs/*' "$@"
