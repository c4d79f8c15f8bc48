def test_the_login_page_renders_the_form_fields_the_contract_names(client):
    page = client.get("/login").get_data(as_text=True)
    for name in ('name="email"', 'name="password"'):
        assert name in page


def test_a_person_signs_in_with_the_right_password_and_not_with_a_wrong_one(client, build, auth):
    person = build.person(email="ana@example.com")
    assert auth.login(person.email, "wrong-password-here").status_code == 401
    response = auth.login("ana@example.com")
    assert response.status_code == 302
    assert client.get("/").status_code == 200
