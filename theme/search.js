// search: see src/search
