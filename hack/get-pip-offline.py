"""Stand-in for the get-pip.py bootstrap script that ansible-test downloads.

ansible-test creates its virtualenvs without pip, then runs a get-pip.py script
that it downloads from its own file server (not reachable from our CI, only PyPI
is). It looks for a cached copy at ~/.ansible/test/cache/get_pip_X_Y.py first;
hack/sanity.sh installs this file there.

It is called as `python get_pip_X_Y.py [pip options] pip==X.Y [--no-setuptools]
[--no-wheel]`: bootstrap pip from the interpreter's bundled wheel (ensurepip,
no network), then let that pip install the exact requested packages from PyPI.
"""

import subprocess
import sys


def main():
    args = [arg for arg in sys.argv[1:] if arg not in ('--no-setuptools', '--no-wheel')]
    subprocess.check_call([sys.executable, '-m', 'ensurepip', '--default-pip'])
    subprocess.check_call([sys.executable, '-m', 'pip', 'install', '--disable-pip-version-check'] + args)


if __name__ == '__main__':
    main()
