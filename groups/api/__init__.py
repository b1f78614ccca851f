"""What every part's API shares: errors, paging, tokens and throttles."""
