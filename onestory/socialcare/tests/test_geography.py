from onestory.socialcare import geography


def test_a_luton_postcode_is_found_in_lutons_area_in_england():
    place = geography.look_up("lu11aa")
    assert place.postcode == "LU1 1AA"
    assert place.area_code == "E06000032"
    assert place.in_england
    assert place.grid == (508653, 221332)


def test_a_postcode_elsewhere_in_the_uk_is_found_outside_england():
    assert geography.look_up("EH1 1YZ").area_code.startswith("S")
    assert not geography.look_up("CF10 1AA").in_england


def test_a_badly_formed_or_made_up_postcode_is_not_found():
    assert geography.look_up("not a postcode") is None
    assert geography.look_up("LU9 9ZZ") is None
    assert geography.look_up("") is None


def test_the_council_is_luton_unless_settings_say_otherwise(settings):
    assert geography.council_area_code() == "E06000032"
    settings.ONESTORY_LA_ONS_CODE = "E06000042"
    assert geography.council_area_code() == "E06000042"
