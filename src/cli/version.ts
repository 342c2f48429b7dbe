/**
 * The Kafka release whose tools the terminal reproduces. Every output format was checked against
 * the 4.0 line's source (apache/kafka `tools/src/main/java/org/apache/kafka/tools/…`, commit
 * 1eb7644, version 4.0.0-SNAPSHOT); see docs/cli.md for what differs and why.
 */
export const KAFKA_VERSION = '4.0.0';
