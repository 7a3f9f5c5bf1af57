"""The union's survey key, made by its trustees together in a key ceremony
(the engine's `surveys.ceremony`): organizers choose the trustees among the
union's stewards and organizers and how many must take part; each trustee
takes each step on one screen, in their own browser; late trustees are
reminded by email; a change of trustees is a new ceremony, and the page says
which surveys remain decryptable by whom. Also the trustee's decryption of a
survey made with the key, in their browser."""
