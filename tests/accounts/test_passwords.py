from django.test import override_settings

from hongshu.accounts.hashers import OwaspArgon2PasswordHasher


@override_settings(PASSWORD_HASHERS=["hongshu.accounts.hashers.OwaspArgon2PasswordHasher"])
def test_argon2id_uses_the_owasp_profile():
    encoded = OwaspArgon2PasswordHasher().encode("correct horse battery", OwaspArgon2PasswordHasher().salt())
    assert encoded.startswith("argon2$argon2id$v=19$m=19456,t=2,p=1$")
    assert OwaspArgon2PasswordHasher().verify("correct horse battery", encoded)
    assert not OwaspArgon2PasswordHasher().verify("wrong", encoded)
