#!/usr/bin/env bash
# Downloads the pinned Kafka broker jars (see pom.xml) into deploy/kafka/libs
# unless they are already there.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
version="$(sed -n 's:.*<kafka.version>\(.*\)</kafka.version>.*:\1:p' "$here/pom.xml")"
if [[ -f "$here/libs/kafka_2.13-$version.jar" ]]; then
  exit 0
fi
echo "fetching Apache Kafka $version broker jars from Maven Central..."
rm -rf "$here/libs.tmp"
mvn -q -B -f "$here/pom.xml" dependency:copy-dependencies -DoutputDirectory="$here/libs.tmp"
rm -rf "$here/libs"
mv "$here/libs.tmp" "$here/libs"
echo "kafka jars in $here/libs ($(ls "$here/libs" | wc -l) files)"
