OK_FORMAT = True

test = {   'name': 'q10',
    'points': 2,
    'suites': [{'cases': [{'code': '>>> assert final_images.shape == (10, 28, 28)\n', 'hidden': False, 'locked': False, 'points': 1}], 'scored': True, 'setup': '', 'teardown': '', 'type': 'doctest'}]}
