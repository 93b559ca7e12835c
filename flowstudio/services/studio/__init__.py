"""What designers work on: bots, drafts and versions, flow edits and views, code actions, NLU."""
