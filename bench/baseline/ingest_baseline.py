"""The ingestion of the stack sluice replaces, as its tutorial wrote it: one HTTP request
per user (requests.get of the API), the user formatted in Python, sent with kafka-python's
KafkaProducer one message at a time, flushed at the end. Used only as the baseline of
bench/bench_ingest.sh, against the same mock-api and Kafka in the same run.

usage: ingest_baseline.py SOURCE_URL BROKERS TOPIC COUNT
prints one JSON line: {"users": N, "wall_s": S}
"""
import json
import sys
import time

import requests
from kafka import KafkaProducer


def format_data(res):
    location = res["location"]
    return {
        "id": res["login"]["uuid"],
        "first_name": res["name"]["first"],
        "last_name": res["name"]["last"],
        "gender": res["gender"],
        "address": f"{location['street']['number']} {location['street']['name']}, "
                   f"{location['city']}, {location['state']}, {location['country']}",
        "post_code": str(location["postcode"]),
        "email": res["email"],
        "username": res["login"]["username"],
        "dob": res["dob"]["date"],
        "registered_date": res["registered"]["date"],
        "phone": res["phone"],
        "picture": res["picture"]["medium"],
    }


def main():
    source, brokers, topic, count = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
    producer = KafkaProducer(bootstrap_servers=brokers.split(","), max_block_ms=30000)
    session = requests.Session()
    t0 = time.time()
    for _ in range(count):
        res = session.get(source, timeout=30).json()["results"][0]
        producer.send(topic, json.dumps(format_data(res)).encode("utf-8"))
    producer.flush()
    print(json.dumps({"users": count, "wall_s": time.time() - t0}))


if __name__ == "__main__":
    main()
