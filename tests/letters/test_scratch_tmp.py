from app.extensions import db
from app.letters import services
from app.letters.vocab import LetterStatus


def test_probe(personas, platform_factory, login):
    steering = personas["steering"]
    p = platform_factory(name="Facebook", slug="facebook")
    letter = services.create_letter(steering, p.id, "Mark", "en", "Stop hate", "Body **bold**", ["One", "Two"])
    db.session.commit()
    print("ev", letter.edit_version)
    services.save_text(steering, letter, "fr", "Arrêtez", "Corps", ["Un"], True, letter.edit_version)
    db.session.commit()
    print("ev after translation", letter.edit_version, letter.material_version)
    letter.status = LetterStatus.OPEN
    db.session.commit()
    print("ev after open", letter.edit_version)
    r = login(None).get("/api/v1/letters")
    print(r.status_code, r.get_json())
    r = login(None).get(f"/api/v1/letters/{letter.slug}?lang=fr")
    print(r.status_code, r.get_json())
    r = login("steering").get(f"/letters/manage/{letter.slug}/text/en")
    print(r.status_code, r.get_data(as_text=True)[-2500:])
