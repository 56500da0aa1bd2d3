#!/usr/bin/env python3
"""Drives `warden serve` with OpenFGA's official Python SDK (openfga-sdk), unmodified.

    python3 Tests/Server/sdk_test.py http://127.0.0.1:PORT MODEL.json [API_KEY]

Prints one "ok: …" line per step and exits 0, or exits 1 naming the first step that failed.
"""
import json
import sys
import time
import urllib.request

from openfga_sdk import CreateStoreRequest
from openfga_sdk.client import ClientConfiguration
from openfga_sdk.credentials import CredentialConfiguration, Credentials
from openfga_sdk.client.models import (
    ClientBatchCheckItem,
    ClientBatchCheckRequest,
    ClientAssertion,
    ClientCheckRequest,
    ClientExpandRequest,
    ClientListObjectsRequest,
    ClientReadChangesRequest,
    ClientTuple,
    ClientWriteRequest,
)
from openfga_sdk.client.models.list_users_request import ClientListUsersRequest
from openfga_sdk.exceptions import NotFoundException, ValidationException
from openfga_sdk.models.fga_object import FgaObject
from openfga_sdk.models.read_request_tuple_key import ReadRequestTupleKey
from openfga_sdk.models.user_type_filter import UserTypeFilter
from openfga_sdk.sync import OpenFgaClient


def expect(condition, step, detail=""):
    if not condition:
        print(f"FAILED: {step} {detail}")
        sys.exit(1)
    print(f"ok: {step}")


def wait_until_serving(url):
    """The server was just started: poll /healthz for up to 30 seconds."""
    for _ in range(300):
        try:
            with urllib.request.urlopen(url + "/healthz", timeout=1) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.1)
    print("FAILED: the server never answered /healthz")
    sys.exit(1)


def main():
    url, model_path = sys.argv[1], sys.argv[2]
    key = sys.argv[3] if len(sys.argv) > 3 else None
    credentials = Credentials(method="api_token", configuration=CredentialConfiguration(api_token=key)) if key else None
    wait_until_serving(url)
    with open(model_path) as file:
        model = json.load(file)
    fga = OpenFgaClient(ClientConfiguration(api_url=url, credentials=credentials))

    store = fga.create_store(CreateStoreRequest(name="sdk-store"))
    expect(len(store.id) == 26 and store.name == "sdk-store", "create store", store)
    fga.set_store_id(store.id)
    expect(fga.get_store().name == "sdk-store", "get store")
    expect(any(s.id == store.id for s in fga.list_stores().stores), "list stores")

    written = fga.write_authorization_model(model)
    expect(len(written.authorization_model_id) == 26, "write model")
    fga.set_authorization_model_id(written.authorization_model_id)
    models = fga.read_authorization_models().authorization_models
    expect([m.id for m in models] == [written.authorization_model_id], "read models")

    fga.write(ClientWriteRequest(writes=[
        ClientTuple(user="user:anne", relation="manager", object="warehouse:berlin"),
        ClientTuple(user="warehouse:berlin", relation="warehouse", object="product:espresso"),
        ClientTuple(user="warehouse:berlin", relation="warehouse", object="product:grinder"),
        ClientTuple(user="user:bob", relation="manager", object="warehouse:lyon"),
    ]))
    expect(True, "write tuples")

    allowed = fga.check(ClientCheckRequest(user="user:anne", relation="can_write", object="product:espresso"))
    expect(allowed.allowed is True, "check allowed")
    denied = fga.check(ClientCheckRequest(user="user:bob", relation="can_write", object="product:espresso"))
    expect(denied.allowed is False, "check denied")
    contextual = fga.check(ClientCheckRequest(
        user="user:carl", relation="can_write", object="product:espresso",
        contextual_tuples=[ClientTuple(user="user:carl", relation="manager", object="warehouse:berlin")]))
    expect(contextual.allowed is True, "check with a contextual tuple")

    batch = fga.batch_check(ClientBatchCheckRequest(checks=[
        ClientBatchCheckItem(user="user:anne", relation="can_write", object="product:grinder", correlation_id="1"),
        ClientBatchCheckItem(user="user:bob", relation="can_write", object="product:grinder", correlation_id="2"),
    ]))
    answers = {result.correlation_id: result.allowed for result in batch.result}
    expect(answers == {"1": True, "2": False}, "batch check", answers)

    objects = fga.list_objects(ClientListObjectsRequest(user="user:anne", relation="can_write", type="product"))
    expect(sorted(objects.objects) == ["product:espresso", "product:grinder"], "list objects", objects.objects)

    users = fga.list_users(ClientListUsersRequest(
        object=FgaObject(type="product", id="espresso"), relation="can_write", user_filters=[UserTypeFilter(type="user")]))
    names = sorted(f"{u.object.type}:{u.object.id}" for u in users.users)
    expect(names == ["user:anne"], "list users", names)

    tree = fga.expand(ClientExpandRequest(relation="manager", object="warehouse:berlin")).tree
    expect(tree.root.name == "warehouse:berlin#manager" and tree.root.leaf.users.users == ["user:anne"], "expand")

    fga.write_assertions([
        ClientAssertion(user="user:anne", relation="can_write", object="product:espresso", expectation=True),
        ClientAssertion(user="user:bob", relation="can_write", object="product:espresso", expectation=False),
    ])
    expect(True, "write assertions")
    stored = fga.read_assertions().assertions
    expect([(a.tuple_key.user, a.expectation) for a in stored] == [("user:anne", True), ("user:bob", False)], "read assertions")

    read = fga.read(ReadRequestTupleKey(object="product:"))
    expect(sorted(t.key.object for t in read.tuples) == ["product:espresso", "product:grinder"], "read")

    changes = fga.read_changes(ClientReadChangesRequest(type="warehouse"))
    expect(len(changes.changes) == 2 and changes.changes[0].operation == "TUPLE_OPERATION_WRITE", "read changes")

    fga.write(ClientWriteRequest(deletes=[ClientTuple(user="user:anne", relation="manager", object="warehouse:berlin")]))
    after = fga.check(ClientCheckRequest(user="user:anne", relation="can_write", object="product:espresso"))
    expect(after.allowed is False, "a delete is seen by the next check")

    try:
        fga.write(ClientWriteRequest(writes=[ClientTuple(user="user:anne", relation="owner", object="warehouse:berlin")]))
        expect(False, "invalid tuple refused")
    except ValidationException as error:
        expect(error.status == 400 and error.code == "validation_error", "invalid tuple refused (400)", error.code)

    missing = OpenFgaClient(ClientConfiguration(api_url=url, store_id="01HZZZZZZZZZZZZZZZZZZZZZZZ", credentials=credentials))
    try:
        missing.check(ClientCheckRequest(user="user:anne", relation="can_write", object="product:espresso"))
        expect(False, "unknown store")
    except NotFoundException as error:
        expect(error.status == 404 and error.code == "store_id_not_found", "unknown store (404)", error.code)

    fga.delete_store()
    expect(all(s.id != store.id for s in fga.list_stores().stores), "delete store")


if __name__ == "__main__":
    main()
