-- A different URL on every request, so neither nginx's cache nor the app's has seen it.
--
--   wrk ... -s bench/cold.lua http://127.0.0.1:PORT -- '/exercises/some-slug?n={n}'
--   wrk ... -s bench/cold.lua http://127.0.0.1:PORT -- @paths.txt THREADS
--
-- A template gets {n} replaced with a number no other request of the run uses (thread id
-- and counter). "@file" takes one path per line; thread k of THREADS uses lines k, k+THREADS,
-- ..., so the threads never send the same path; the file is made long enough for the run.
-- Headers given to wrk with -H (HX-Request: true) are sent on every request.

local next_id = 0

function setup(thread)
  thread:set("id", next_id)
  next_id = next_id + 1
end

function init(args)
  counter = 0
  local source = args[1]
  if source:sub(1, 1) == "@" then
    local threads = tonumber(args[2])
    paths = {}
    local line_number = 0
    for line in io.lines(source:sub(2)) do
      if line_number % threads == id then
        paths[#paths + 1] = line
      end
      line_number = line_number + 1
    end
  else
    template = source
  end
end

function request()
  counter = counter + 1
  local path
  if paths then
    path = paths[(counter - 1) % #paths + 1]
  else
    path = (template:gsub("{n}", id .. "-" .. counter))
  end
  return wrk.format(nil, path)
end
