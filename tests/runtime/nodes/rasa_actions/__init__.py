"""Actions served by a real rasa_sdk action server in tests/runtime/nodes/test_rasa_action.py."""
