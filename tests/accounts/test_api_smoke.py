def test_sign_up_and_read_me(api):
    response = api.post("/accounts", json={"handle": "Alice_1", "password": "correct horse battery"})
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["account"]["handle"] == "Alice_1"
    api.token = body["token"]
    me = api.get("/accounts/me")
    assert me.json()["handle"] == "Alice_1"
